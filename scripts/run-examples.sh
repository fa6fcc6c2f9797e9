#!/usr/bin/env bash
# The main job: starts the seed example services against a local RabbitMQ (started, and installed if missing,
# by scripts/broker.sh), calls each of them, prints the answers, and stops the services.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BROKER="${AMQP_URL:-amqp://guest:guest@127.0.0.1}"

scripts/broker.sh start
echo "building enoki-examples and enoki" >&2
swift build --product enoki-examples >&2
swift build --product enoki >&2
BIN="$(swift build --show-bin-path)"

LOG="$(mktemp)"
"$BIN/enoki-examples" run greet_service serviceA serviceB service_x service_y --broker "$BROKER" 2>"$LOG" &
SERVICES=$!
trap 'kill -TERM $SERVICES 2>/dev/null || true; wait $SERVICES 2>/dev/null || true; cat "$LOG" >&2; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
    grep -q "Connected to" "$LOG" && break
    kill -0 $SERVICES 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.2
done

call() {
    printf '%s(%s) = %s\n' "$1" "${2:-}" "$("$BIN/enoki" call "$@" --broker "$BROKER")"
}
call greet_service.greet
call serviceA.hello
call serviceB.hello
call service_y.append_identifier '"hellø"'
call service_x.remote_method '"hellø"'
