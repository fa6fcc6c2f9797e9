#!/usr/bin/env bash
# Fuzzes the delivery path (frames, properties, headers to context, JSON, argument binding, typed decoding) with
# libFuzzer for a bounded time, starting from the regression corpus in Tests/Fuzz/corpus.
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer options...]     60 seconds by default
#
# It builds Tests/Fuzz with -sanitize=fuzzer in a build folder of its own (.build-fuzz; the first build takes
# several minutes). New inputs that reach new code go to .build-fuzz/corpus; an input that makes the target trap
# is written as crash-* in the current folder: copy it into Tests/Fuzz/corpus, where the test suite replays it
# (FuzzCorpusTests), and fix the trap.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SECONDS_TO_RUN="${1:-60}"
shift || true
SCRATCH="$ROOT/.build-fuzz"

swift build --scratch-path "$SCRATCH" --product EnokiDeliveryFuzzer \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DENOKI_FUZZ -Xswiftc -parse-as-library -Xswiftc -use-ld=lld >&2
FUZZER="$(swift build --scratch-path "$SCRATCH" --show-bin-path)/EnokiDeliveryFuzzer"

mkdir -p "$SCRATCH/corpus"
# Each input at most 1 MiB, each run at most 10 seconds, at most 4 GiB: a hang or a blow-up is a finding too.
# The Swift runtime's own crash handler would take the trap before libFuzzer writes the input down.
export SWIFT_BACKTRACE=enable=no
exec "$FUZZER" "$SCRATCH/corpus" "$ROOT/Tests/Fuzz/corpus" \
    -max_total_time="$SECONDS_TO_RUN" -max_len=1048576 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "$@"
