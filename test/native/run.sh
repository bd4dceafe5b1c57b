#!/usr/bin/env bash
# Builds native/ with its differential test and runs it: on this CPU (every x86 path against
# scalar), and with --arm64 cross-compiled for AArch64 and run under qemu (NEON against scalar).
# Installs the cross compiler and qemu with apt-get when they are missing and we are root.
# Ends with "N passed, N failed".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=host
[ "${1:-}" = "--arm64" ] && arch=arm64
build="$root/build-native-$arch"

if [ "$arch" = arm64 ]; then
  if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing g++-aarch64-linux-gnu and qemu-user with apt-get"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        g++-aarch64-linux-gnu qemu-user) >/dev/null
    else
      echo "aarch64-linux-gnu-g++ or qemu-aarch64 missing, and cannot install them"
      echo "0 passed, 1 failed"
      exit 1
    fi
  fi
  cmake -S "$root" -B "$build" -DCOORDCONV_NATIVE_TESTS=ON \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" >/dev/null
  cmake --build "$build" --target kernels_diff -j 2 >/dev/null
  exec qemu-aarch64 -L /usr/aarch64-linux-gnu "$build/kernels_diff"
fi

cmake -S "$root" -B "$build" -DCOORDCONV_NATIVE_TESTS=ON >/dev/null
cmake --build "$build" --target kernels_diff -j 2 >/dev/null
exec "$build/kernels_diff"
