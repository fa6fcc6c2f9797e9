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
OUT="$(mktemp)"
"$BIN/enoki-examples" run greet_service serviceA serviceB service_x service_y \
    service_a service_b listener service rpc_server --broker "$BROKER" >"$OUT" 2>"$LOG" &
SERVICES=$!
trap 'kill -TERM $SERVICES 2>/dev/null || true; wait $SERVICES 2>/dev/null || true; cat "$LOG" >&2; rm -f "$LOG" "$OUT"' EXIT
# Every entrypoint consumes once the runner logs "services started".
for _ in $(seq 1 100); do
    grep -q "services started" "$LOG" && break
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
call service_a.dispatching_method '"hello from the main job"'
printf 'dispatch monitor.ping: %s\n' "$("$BIN/enoki" dispatch monitor ping '{}' --broker "$BROKER")"
printf 'request rpc_queue "Hello RPC!" = %s\n' "$("$BIN/enoki" request rpc_queue 'Hello RPC!' --broker "$BROKER")"

# The event handlers, the timer (every second) and the rpc_queue server print what they do.
for _ in $(seq 1 50); do
    grep -q "service b received" "$OUT" && grep -q "pong from listener" "$OUT" && grep -q "^pong$" "$OUT" && break
    sleep 0.1
done
echo "the services printed:"
sed 's/^/    /' "$OUT"
