#!/usr/bin/env bash
# Makes the native package librdkafka.redist available to restore when the configured NuGet
# sources do not have it (some mirrors do not carry it). Builds librdkafka from the exact source
# Confluent ships in its npm package, packs it with the official package layout into the local
# folder feed that NuGet.config adds, and caches the result so only the first run pays the build.
#
# Usage: eng/native/librdkafka-fallback.sh   (idempotent; prints what it does and why)
set -euo pipefail

LIBRDKAFKA_VERSION="2.15.1"
LIBRDKAFKA_HEX="0x020f01ff"
# Confluent's JavaScript client 1.10.1 vendors librdkafka 2.15.1 under deps/librdkafka.
NPM_SOURCE_PACKAGE="@confluentinc/kafka-javascript@1.10.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
feed="$root/eng/local-feed"
cache="${KAFKACONNECTOR_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaconnector}"
nupkg_name="librdkafka.redist.$LIBRDKAFKA_VERSION.nupkg"

log() { printf '[native] %s\n' "$*"; }

mkdir -p "$feed" "$cache"

if [[ -f "$feed/$nupkg_name" ]]; then
  log "local feed already holds $nupkg_name"
  exit 0
fi
if [[ -f "$cache/$nupkg_name" ]]; then
  log "taking $nupkg_name from cache $cache (built earlier on this machine)"
  cp "$cache/$nupkg_name" "$feed/"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid="linux-x64" ;;
  Linux-aarch64) rid="linux-arm64" ;;
  *) echo "[native] no fallback for $(uname -s)-$(uname -m): use a NuGet source that has librdkafka.redist $LIBRDKAFKA_VERSION" >&2; exit 1 ;;
esac

log "building librdkafka $LIBRDKAFKA_VERSION from source for $rid (first run only, about 1-2 minutes)"

need_pkgs=()
for p in build-essential pkg-config libssl-dev zlib1g-dev libzstd-dev python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  log "installing build dependencies: ${need_pkgs[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
command -v npm >/dev/null || { echo "[native] npm is required to fetch the librdkafka source package" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching source: npm pack $NPM_SOURCE_PACKAGE"
npm pack --silent "$NPM_SOURCE_PACKAGE" >/dev/null
tar xzf ./*.tgz
src="$work/package/deps/librdkafka"
grep -q "#define RD_KAFKA_VERSION $LIBRDKAFKA_HEX" "$src/src/rdkafka.h" \
  || { echo "[native] $NPM_SOURCE_PACKAGE does not carry librdkafka $LIBRDKAFKA_VERSION" >&2; exit 1; }

cd "$src"
log "configure (static OpenSSL, zlib and zstd; no GSSAPI, no curl)"
./configure --enable-static --disable-lz4-ext --disable-gssapi --disable-curl >"$work/configure.log" 2>&1 \
  || { tail -40 "$work/configure.log" >&2; exit 1; }
log "make (C library only)"
make -j"$(nproc)" -C src >"$work/make.log" 2>&1 || { tail -60 "$work/make.log" >&2; exit 1; }

stage="$work/stage"
mkdir -p "$stage/runtimes/$rid/native"
cp src/librdkafka.so.1 "$stage/runtimes/$rid/native/librdkafka.so"
strip --strip-unneeded "$stage/runtimes/$rid/native/librdkafka.so"
cp LICENSES.txt README.md "$stage/"
sed -e "s/@VERSION@/$LIBRDKAFKA_VERSION/g" -e "s/@RID@/$rid/g" \
  "$root/eng/native/librdkafka.redist.nuspec" >"$stage/librdkafka.redist.nuspec"

log "packing $nupkg_name"
# A nuspec-only pack needs no project; NoDefaultExcludes keeps the native file as-is.
dotnet pack "$stage/librdkafka.redist.nuspec" -o "$cache" -p:NuspecBasePath="$stage" \
  -p:NoWarn='NU5100%3BNU5128%3BNU5127' --nologo >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log" >&2; exit 1; }
cp "$cache/$nupkg_name" "$feed/"
log "done: $feed/$nupkg_name (cached in $cache)"
