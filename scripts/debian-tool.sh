#!/usr/bin/env bash
# Finds a headless browser for the tests that load the API documentation page (Debian's Chromium), installing
# it when it is missing, and prints its path. A test peer only; Enoki does not need it.
set -euo pipefail
for candidate in "${ENOKI_CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
        command -v "$candidate"
        exit
    fi
done
echo "chromium: installing Debian's chromium" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
