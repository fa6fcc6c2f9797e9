#!/usr/bin/env bash
# Builds the DocC documentation of every library module with swift-docc-plugin, and fails when DocC warns
# (a broken symbol link, an undocumented parameter, an ambiguous article link).
#
#   scripts/docs.sh            archives in .build/plugins/Swift-DocC/outputs/
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

TARGETS=(EnokiAMQPProtocol EnokiAMQPClient EnokiCore EnokiAMQP EnokiHTTP EnokiSMTP EnokiMail EnokiPrometheus EnokiOTel EnokiMacros EnokiCLI
    EnokiTesting Enoki)
ARGS=()
for target in "${TARGETS[@]}"; do ARGS+=(--target "$target"); done
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
swift package --disable-sandbox generate-documentation "${ARGS[@]}" 2>&1 | tee "$LOG"
# SwiftPM's own warning about a dependency's package layout (swift-distributed-tracing) is not DocC's.
WARNINGS="$(grep "warning:" "$LOG" | grep -v "which are unhandled; explicitly declare them" || true)"
if [ -n "$WARNINGS" ]; then
    echo "docs: DocC warned $(echo "$WARNINGS" | wc -l) times; see above" >&2
    exit 1
fi
echo "docs: ${#TARGETS[@]} modules documented without warnings"
