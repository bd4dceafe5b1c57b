#!/usr/bin/env bash
# Builds the addons the npm package ships, prebuilds/linux-x64/coordconv.node (this machine's
# compiler) and prebuilds/linux-arm64/coordconv.node (cross-compiled with aarch64-linux-gnu-g++, as
# test/native/run.sh --arm64 does), for N-API 8 against node-api-headers: no download. Baseline
# flags only: the SIMD paths are chosen at run time (native/dispatch.cc), so one x64 file serves
# every x86-64 CPU. Run on x86-64 Linux; `npm pack` runs it (prepack) and removes the files after
# (postpack), so a source build in this tree is never shadowed by a stale prebuilt one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "prebuild: the prebuilt addons are built on x86-64 Linux (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi
if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing g++-aarch64-linux-gnu with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      g++-aarch64-linux-gnu) >/dev/null
  else
    echo "aarch64-linux-gnu-g++ is missing (Debian: apt-get install g++-aarch64-linux-gnu)" >&2
    exit 1
  fi
fi

cmake_js=(node "$root/node_modules/cmake-js/bin/cmake-js" compile --parallel 2 --CDCMAKE_SHARED_LINKER_FLAGS=-s)
build() {
  local platform=$1
  shift
  echo "prebuild: $platform"
  rm -rf "build-prebuild/$platform"
  "${cmake_js[@]}" --out "build-prebuild/$platform" "$@" >"build-prebuild/$platform.log" 2>&1 ||
    { cat "build-prebuild/$platform.log" >&2; exit 1; }
  mkdir -p "prebuilds/$platform"
  cp "build-prebuild/$platform/Release/coordconv.node" "prebuilds/$platform/coordconv.node"
}

# A failed run leaves no prebuilds/ behind: the loader would take it over this tree's own build.
rm -rf prebuilds
trap '[ $? -eq 0 ] || rm -rf "$root/prebuilds"' EXIT
mkdir -p build-prebuild
build linux-x64 --arch x64
build linux-arm64 --arch arm64 --CDCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake"

# What each file asks of the C and C++ runtimes: the README's minimum glibc comes from these lines.
for platform in linux-x64 linux-arm64; do
  echo "prebuilds/$platform/coordconv.node: $(readelf --dyn-syms -W "prebuilds/$platform/coordconv.node" |
    grep -oE 'GLIBC(XX)?_[0-9.]+' | sort -uV | awk -F_ '{ top[$1] = $0 } END { print top["GLIBC"], top["GLIBCXX"] }')"
done
