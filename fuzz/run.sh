#!/usr/bin/env bash
# Builds the libFuzzer target over native/ (clang, ASan, UBSan) and runs it for a given time:
#   fuzz/run.sh [seconds=60]      (npm run fuzz -- 120)
# It starts from the committed seed corpus (fuzz/corpus, never modified) and keeps what it finds
# in build-fuzz/corpus; a crash or a SIMD/scalar mismatch is written to build-fuzz/artifacts/.
# Ends with one line "N passed, N failed" (1 run), as .ci/run expects.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: fuzz/run.sh [seconds]"
  exit 2
fi

fail() {
  echo "fuzz: $*"
  echo "0 passed, 1 failed"
  exit 1
}

# clang and its libFuzzer runtime come from Debian (clang, libclang-rt-14-dev); CI runs as root.
fuzzer_lib=$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-aarch64.a 2>/dev/null | head -n 1)
if ! command -v clang++ >/dev/null || [ -z "$fuzzer_lib" ]; then
  echo "fuzz: installing clang and libFuzzer (apt-get)"
  if [ "$(id -u)" -ne 0 ] || ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null; }; then
    fail "clang with libFuzzer is missing and could not be installed (apt-get install clang libclang-rt-14-dev)"
  fi
fi

cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >build-fuzz.log 2>&1 &&
  cmake --build build-fuzz -j 2 >>build-fuzz.log 2>&1 || { cat build-fuzz.log; fail "build failed"; }
rm -f build-fuzz.log

mkdir -p build-fuzz/corpus build-fuzz/artifacts
log=build-fuzz/last-run.log
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ./build-fuzz/coordconv_fuzz -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ build-fuzz/corpus fuzz/corpus >"$log" 2>&1
status=$?

runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
took=$(grep -E '^Done [0-9]+ runs in' "$log" | sed -E 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/')
files=$(find build-fuzz/corpus fuzz/corpus -type f | wc -l)
bytes=$(find build-fuzz/corpus fuzz/corpus -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
echo "fuzz: ${runs:-0} executions in ${took:-?} s ($seconds s asked), coverage $cov edges, corpus $files inputs ($bytes bytes; seeds in fuzz/corpus: $(ls fuzz/corpus | wc -l))"
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log"
  fail "failed (exit $status); the input is in build-fuzz/artifacts/"
fi
echo "1 passed, 0 failed"
