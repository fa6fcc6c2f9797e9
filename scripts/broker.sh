#!/usr/bin/env bash
# Makes a RabbitMQ broker available on 127.0.0.1:5672 (and TLS on 127.0.0.1:5671).
#
#   scripts/broker.sh start    a no-op when a broker already answers on 127.0.0.1:5672; otherwise installs
#                              Debian's rabbitmq-server if it is missing (apt-get update first), starts it
#                              detached, listening on 127.0.0.1 only, and waits until it answers
#   scripts/broker.sh stop     stops the broker, but only one this script started
#   scripts/broker.sh status   says whether a broker answers, and whether this script started it
#   scripts/broker.sh ctl ARGS runs rabbitmqctl against the broker (tests use it to close connections)
#
# State (configuration, test TLS certificates, the "started by us" marker) lives in $ENOKI_BROKER_DIR,
# by default /tmp/enoki-broker.
set -euo pipefail

STATE_DIR="${ENOKI_BROKER_DIR:-/tmp/enoki-broker}"
HOST=127.0.0.1
PORT=5672
TLS_PORT=5671
MARKER="$STATE_DIR/started-by-enoki"
LIB_BIN=/usr/lib/rabbitmq/bin

log() { echo "broker: $*" >&2; }

answers() {
    # An AMQP broker answers the protocol header with connection.start (a frame starting with 0x01).
    local port="${1:-$PORT}"
    timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$port && printf 'AMQP\x00\x00\x09\x01' >&3 && head -c 1 <&3 | od -An -tx1 | grep -q 01" \
        2>/dev/null
}

listening() {
    timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        log "need root (or sudo) to run: $*"
        exit 1
    fi
}

install_broker() {
    if [ -x "$LIB_BIN/rabbitmq-server" ]; then
        return
    fi
    log "rabbitmq-server is not installed; installing it from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
    # Debian starts the service when it can; we start our own node below, so stop that one.
    as_root sh -c 'command -v systemctl >/dev/null && systemctl stop rabbitmq-server 2>/dev/null || true'
}

make_tls_material() {
    local dir="$STATE_DIR/tls"
    [ -f "$dir/server.pem" ] && return
    mkdir -p "$dir"
    log "making a test certificate authority and a server certificate for localhost in $dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Enoki test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
        >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 3650 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
    chmod 755 "$STATE_DIR" "$dir"
    chmod 644 "$dir"/*
}

write_config() {
    cat >"$STATE_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = $HOST:$PORT
listeners.ssl.default = $HOST:$TLS_PORT
ssl_options.cacertfile = $STATE_DIR/tls/ca.pem
ssl_options.certfile = $STATE_DIR/tls/server.pem
ssl_options.keyfile = $STATE_DIR/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
auth_mechanisms.1 = PLAIN
auth_mechanisms.2 = AMQPLAIN
EOF
    chmod 644 "$STATE_DIR/rabbitmq.conf"
}

# Runs a RabbitMQ command as the user the node runs as, so that both share the Erlang cookie.
rabbit() {
    local tool="$1"
    shift
    local env=(
        RABBITMQ_CONFIG_FILE="$STATE_DIR/rabbitmq.conf"
        RABBITMQ_NODE_IP_ADDRESS="$HOST"
        RABBITMQ_NODE_PORT="$PORT"
        ERL_EPMD_ADDRESS="$HOST"
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    )
    if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then
        local quoted=""
        for arg in "$@"; do quoted+=" $(printf '%q' "$arg")"; done
        local envs=""
        for e in "${env[@]}"; do envs+=" $(printf '%q' "$e")"; done
        (cd /var/lib/rabbitmq && su rabbitmq -s /bin/sh -c "HOME=/var/lib/rabbitmq env$envs $LIB_BIN/$tool$quoted")
    else
        mkdir -p "$STATE_DIR/home"
        env HOME="$STATE_DIR/home" RABBITMQ_MNESIA_BASE="$STATE_DIR/mnesia" RABBITMQ_LOG_BASE="$STATE_DIR/log" \
            RABBITMQ_ENABLED_PLUGINS_FILE="$STATE_DIR/enabled_plugins" "${env[@]}" "$LIB_BIN/$tool" "$@"
    fi
}

start() {
    if answers; then
        log "a broker already answers on $HOST:$PORT; nothing to do"
        return
    fi
    install_broker
    mkdir -p "$STATE_DIR"
    chmod 755 "$STATE_DIR"
    make_tls_material
    write_config
    log "starting RabbitMQ on $HOST:$PORT (TLS on $HOST:$TLS_PORT)"
    rabbit rabbitmq-server -detached
    touch "$MARKER"
    for _ in $(seq 1 120); do
        if answers; then
            rabbit rabbitmqctl await_startup >/dev/null 2>&1 || true
            log "RabbitMQ answers on $HOST:$PORT"
            return
        fi
        sleep 0.5
    done
    log "RabbitMQ did not answer on $HOST:$PORT within 60 seconds; see /var/log/rabbitmq or $STATE_DIR/log"
    exit 1
}

stop() {
    if [ ! -f "$MARKER" ]; then
        log "this script did not start the broker; leaving it alone"
        return
    fi
    log "stopping the RabbitMQ node this script started"
    rabbit rabbitmqctl stop >/dev/null 2>&1 || true
    rm -f "$MARKER"
}

status() {
    if answers; then echo "a broker answers on $HOST:$PORT"; else echo "no broker answers on $HOST:$PORT"; fi
    if listening "$TLS_PORT"; then echo "a TLS listener on $HOST:$TLS_PORT"; fi
    if [ -f "$MARKER" ]; then echo "started by this script (state in $STATE_DIR)"; fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
ctl)
    shift
    if [ -f "$STATE_DIR/rabbitmq.conf" ]; then rabbit rabbitmqctl "$@"; else rabbitmqctl "$@"; fi
    ;;
*)
    echo "usage: $0 [start|stop|status|ctl ARGS]" >&2
    exit 2
    ;;
esac
