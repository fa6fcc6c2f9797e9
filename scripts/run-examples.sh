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
WEB_LOG="$(mktemp)"
WEB_CONFIG="$(mktemp --suffix=.yaml)"
WEB_PORT="${WEB_PORT:-8000}"
printf "AMQP_URI: '%s'\nWEB_SERVER_ADDRESS: '127.0.0.1:%s'\n" "$BROKER" "$WEB_PORT" >"$WEB_CONFIG"
# The seed's gateway (mail, compute and the HTTP API) on a server of its own. With SMTP_URI (and MAIL_FROM) in
# the environment the mails go to that server; without, the mail service writes them to its log.
GATEWAY_LOG="$(mktemp)"
GATEWAY_CONFIG="$(mktemp --suffix=.yaml)"
GATEWAY_PORT="${GATEWAY_PORT:-5000}"
{
    printf "AMQP_URI: '%s'\nWEB_SERVER_ADDRESS: '127.0.0.1:%s'\n" "$BROKER" "$GATEWAY_PORT"
    printf "MAIL_FROM: '%s'\n" "${MAIL_FROM:-Compute <compute@example.com>}"
    if [ -n "${SMTP_URI:-}" ]; then printf 'SMTP_URI: ${SMTP_URI}\n'; fi
} >"$GATEWAY_CONFIG"
"$BIN/enoki-examples" run greet_service serviceA serviceB service_x service_y \
    service_a service_b listener service rpc_server --broker "$BROKER" >"$OUT" 2>"$LOG" &
SERVICES=$!
# The seed's HTTP examples, on one server (127.0.0.1 only).
"$BIN/enoki-examples" run http_service advanced_http_service http_exceptions_service \
    --config "$WEB_CONFIG" >/dev/null 2>"$WEB_LOG" &
WEB=$!
"$BIN/enoki-examples" run mail compute api --config "$GATEWAY_CONFIG" >/dev/null 2>"$GATEWAY_LOG" &
GATEWAY=$!
trap 'kill -TERM $SERVICES $WEB $GATEWAY 2>/dev/null || true; wait $SERVICES $WEB $GATEWAY 2>/dev/null || true; cat "$LOG" "$WEB_LOG" "$GATEWAY_LOG" >&2; rm -f "$LOG" "$OUT" "$WEB_LOG" "$WEB_CONFIG" "$GATEWAY_LOG" "$GATEWAY_CONFIG"' EXIT
# Every entrypoint consumes once the runner logs "services started".
for _ in $(seq 1 100); do
    grep -q "services started" "$LOG" && break
    kill -0 $SERVICES 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.2
done

call() {
    local arguments=""
    if [ "$#" -gt 1 ]; then arguments="$(printf '%s, ' "${@:2}")"; fi
    printf '%s(%s) = %s\n' "$1" "${arguments%, }" "$("$BIN/enoki" call "$@" --broker "$BROKER")"
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

# The HTTP examples, as `curl -i` shows them (the Date header left out).
for _ in $(seq 1 100); do
    grep -q "services started" "$WEB_LOG" && break
    kill -0 $WEB 2>/dev/null || { cat "$WEB_LOG" >&2; exit 1; }
    sleep 0.2
done
if ! command -v curl >/dev/null; then
    echo "installing curl" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi
show() {
    printf '$ curl -i'
    printf ' %q' "$@"
    echo
    curl -si "$@" | tr -d '\r' | grep -v '^Date: '
    echo
}
show "localhost:$WEB_PORT/get/42"
show -d "post body" "localhost:$WEB_PORT/post"
show -X PUT "localhost:$WEB_PORT/multi"
show "localhost:$WEB_PORT/privileged"
show "localhost:$WEB_PORT/headers"
show "localhost:$WEB_PORT/custom"
show "localhost:$WEB_PORT/custom_exception"

# The seed's gateway: its shell transcript, then a POST as the seed's user sends it, then the mails.
for _ in $(seq 1 100); do
    grep -q "services started" "$GATEWAY_LOG" && break
    kill -0 $GATEWAY 2>/dev/null || { cat "$GATEWAY_LOG" >&2; exit 1; }
    sleep 0.2
done
call mail.send '"name@email.com"' '"testing"' '"Just testing"'
for operation in sum sub mul div; do
    call compute.compute "\"$operation\"" 30 10 '"name@email.com"'
done
show -X POST -H 'Content-Type: application/json' \
    -d '{"operation": "sum", "value": 30, "other": 10, "email": "name@email.com"}' "localhost:$GATEWAY_PORT/compute"
show -X POST -H 'Content-Type: application/json' \
    -d '{"operation": "pow", "value": 30, "other": 10, "email": "name@email.com"}' "localhost:$GATEWAY_PORT/compute"
# One mail from mail.send, four from compute, two from the POST.
count_mails() { grep -c -e '^mail (not sent' -e 'mail sent to' "$GATEWAY_LOG" || true; }
for _ in $(seq 1 100); do
    [ "$(count_mails)" -ge 7 ] && break
    sleep 0.1
done
if [ -n "${SMTP_URI:-}" ]; then
    echo "the mail service sent $(count_mails) mails through $(printf '%s' "$SMTP_URI" | sed -E 's#(://[^:/@]*):[^@]*@#\1:**@#')"
else
    echo "the mails (no SMTP_URI: the mail service wrote them to its log):"
    # Each mail's lines, from "mail (not sent" to the body's last line, without the log line's metadata.
    awk '/^mail \(not sent/ { inside = 1 } inside { line = $0; if (sub(/ call_id=.*$/, "", line)) { print "    " line; print ""; inside = 0 } else print "    " line }' "$GATEWAY_LOG"
fi
