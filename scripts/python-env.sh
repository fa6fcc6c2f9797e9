#!/usr/bin/env bash
# Makes the Python environment the interoperability tests use as a peer: a venv in .venv with Python Nameko
# 2.14.1 and pika, the API tools the HTTP tests run (openapi-spec-validator, schemathesis), and the mail
# server and web framework of the gateway tests (aiosmtpd; Flask and Flasgger, as the seed's gateway uses them). Python is only
# ever a test peer; Enoki does not need it.
#
#   scripts/python-env.sh     prints the venv's python path once it is ready
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${ENOKI_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$VENV/bin/python" -c 'import importlib.metadata as m, pika; assert m.version("nameko") == "2.14.1"; assert m.version("schemathesis") == "4.32.5"; assert m.version("openapi-spec-validator") == "0.9.0"; assert m.version("aiosmtpd") == "1.4.6"; assert m.version("flasgger") == "0.9.7.1"' 2>/dev/null; then
    if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        echo "python-env: installing python3-venv" >&2
        if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; else
            sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null; fi
    fi
    echo "python-env: creating $VENV with nameko==2.14.1, pika, openapi-spec-validator, schemathesis, aiosmtpd, flask and flasgger" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "nameko==2.14.1" "pika==1.3.2" \
        "openapi-spec-validator==0.9.0" "schemathesis==4.32.5" \
        "aiosmtpd==1.4.6" "flask==3.1.3" "flasgger==0.9.7.1" >&2
fi
echo "$VENV/bin/python"
