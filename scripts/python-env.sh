#!/usr/bin/env bash
# Makes the Python environment the interoperability tests use as a peer: a venv in .venv with Python Nameko
# 2.14.1 and pika, and the API tools the HTTP tests run (openapi-spec-validator, schemathesis). Python is only
# ever a test peer; Enoki does not need it.
#
#   scripts/python-env.sh     prints the venv's python path once it is ready
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${ENOKI_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$VENV/bin/python" -c 'import importlib.metadata as m, pika; assert m.version("nameko") == "2.14.1"; assert m.version("schemathesis") == "4.32.5"; assert m.version("openapi-spec-validator") == "0.9.0"' 2>/dev/null; then
    if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        echo "python-env: installing python3-venv" >&2
        if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; else
            sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null; fi
    fi
    echo "python-env: creating $VENV with nameko==2.14.1, pika, openapi-spec-validator and schemathesis" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "nameko==2.14.1" "pika==1.3.2" \
        "openapi-spec-validator==0.9.0" "schemathesis==4.32.5" >&2
fi
echo "$VENV/bin/python"
