#!/usr/bin/env bash
# Finds a Debian tool the tests drive, installing its package when it is missing, and prints its path:
#   scripts/debian-tool.sh PACKAGE [COMMAND...]
# COMMAND names to look for (default: PACKAGE); the first on the PATH wins. The tests use Debian's headless
# Chromium (it loads the API documentation page) and tmux (a real terminal for `enoki shell`). Test peers only;
# Enoki needs neither.
set -euo pipefail
package="$1"
shift
candidates=("$@")
[ "${#candidates[@]}" -gt 0 ] || candidates=("$package")
find_tool() {
    for candidate in "${candidates[@]}"; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}
find_tool && exit
echo "$package: installing Debian's $package" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$package" >/dev/null
find_tool
