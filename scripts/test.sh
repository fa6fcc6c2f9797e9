#!/usr/bin/env bash
# Runs the whole test suite: codec and state-machine unit tests, integration tests against a real RabbitMQ
# on 127.0.0.1, and interoperability tests against Python Nameko 2.14.1.
#
# It starts what it needs: the broker (scripts/broker.sh, which installs RabbitMQ when it is missing) and the
# Python test peer (scripts/python-env.sh). Tests that need the broker fail, never skip, when it is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

scripts/broker.sh start
ENOKI_PYTHON="$(scripts/python-env.sh)"
export ENOKI_PYTHON
# The browser that loads the API documentation page in the gateway tests, and the terminal the shell tests
# type into. A path already in ENOKI_CHROMIUM or ENOKI_TMUX is kept.
ENOKI_CHROMIUM="${ENOKI_CHROMIUM:-$(scripts/debian-tool.sh chromium chromium chromium-browser)}"
ENOKI_TMUX="${ENOKI_TMUX:-$(scripts/debian-tool.sh tmux)}"
export ENOKI_CHROMIUM ENOKI_TMUX
export AMQP_URL="${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/}"
# Tests make a virtual host each, and close connections, with rabbitmqctl.
export RABBITMQCTL="${RABBITMQCTL:-$ROOT/scripts/broker.sh ctl}"

# Warnings are errors in Enoki's own targets (SwiftPM builds dependencies with warnings suppressed).
swift build --build-tests -Xswiftc -warnings-as-errors
ENOKI_BIN="$(swift build --show-bin-path)"
export ENOKI_BIN
# Line-buffered output, so that the log names a test as soon as it starts or ends.
run_tests() { stdbuf -oL -eL swift test --skip-build "$@"; }
if [ "$#" -gt 0 ]; then
    run_tests "$@"
    exit
fi
# RunAloneTests change what every other test shares (a broker-wide memory alarm, a blocked concurrency pool):
# they run on their own, after the rest.
run_tests --skip RunAloneTests
run_tests --filter RunAloneTests --no-parallel
# The DocC catalogs build without warnings.
scripts/docs.sh
