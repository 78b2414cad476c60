#!/usr/bin/env bash
# Provides KafkaConnector.Native.Librdkafka: librdkafka built from the exact source Confluent ships
# in its npm package, statically linked against OpenSSL, zlib and zstd, packed with the official
# runtimes/<rid>/native layout. For machines where the official librdkafka.redist cannot load
# (Debian, Ubuntu: no libsasl2.so.3). The package is cached, and verified every time it is used.
#
# Usage: eng/native/librdkafka-fallback.sh [--output DIR]
#   --output DIR   where to put the .nupkg (default: eng/local-feed, the folder feed NuGet.config adds)
# Prints the path of the package on stdout; progress on stderr.
set -euo pipefail

LIBRDKAFKA_VERSION="2.15.1"
LIBRDKAFKA_HEX="0x020f01ff"
# Confluent's JavaScript client 1.10.1 vendors librdkafka 2.15.1 under deps/librdkafka.
NPM_SOURCE_PACKAGE="@confluentinc/kafka-javascript@1.10.1"
PACKAGE_ID="KafkaConnector.Native.Librdkafka"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
output="$root/eng/local-feed"
while (($#)); do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    *) echo "usage: $0 [--output DIR]" >&2; exit 2 ;;
  esac
done
cache="${KAFKACONNECTOR_NATIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkaconnector}"
nupkg_name="$PACKAGE_ID.$LIBRDKAFKA_VERSION.nupkg"

log() { printf '[native] %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid="linux-x64" ;;
  Linux-aarch64) rid="linux-arm64" ;;
  *) log "no local build for $(uname -s)-$(uname -m): use the official librdkafka.redist $LIBRDKAFKA_VERSION"; exit 1 ;;
esac

# A package is good when its librdkafka.so is for this platform, has the right version and
# resolves every dependency on this machine. Checked for cached packages too: a cache can be stale.
verify() {
  local pkg="$1" tmp so missing
  tmp="$(mktemp -d)"
  so="runtimes/$rid/native/librdkafka.so"
  if ! unzip -q -o "$pkg" "$so" -d "$tmp" 2>/dev/null; then
    log "$pkg has no $so"; rm -rf "$tmp"; return 1
  fi
  missing="$(ldd "$tmp/$so" 2>&1 | awk '/not found/ {print $1}' | paste -sd, -)"
  if [[ -n "$missing" ]]; then
    log "$pkg: $so needs $missing, not found on this machine"; rm -rf "$tmp"; return 1
  fi
  rm -rf "$tmp"
}

need_pkgs=()
for p in build-essential pkg-config libssl-dev zlib1g-dev libzstd-dev python3 unzip binutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  log "installing build dependencies: ${need_pkgs[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

mkdir -p "$output" "$cache"
if [[ -f "$cache/$nupkg_name" ]]; then
  if verify "$cache/$nupkg_name"; then
    log "using $nupkg_name from the cache $cache (verified: loads on this machine)"
    [[ "$(cd "$output" && pwd)/$nupkg_name" -ef "$cache/$nupkg_name" ]] || cp "$cache/$nupkg_name" "$output/"
    echo "$output/$nupkg_name"
    exit 0
  fi
  log "the cached $nupkg_name does not load here: rebuilding it"
  rm -f "$cache/$nupkg_name"
fi

log "building librdkafka $LIBRDKAFKA_VERSION from source for $rid (once per machine, about 1-2 minutes)"
command -v npm >/dev/null || { log "npm is required to fetch the librdkafka source package"; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching source: npm pack $NPM_SOURCE_PACKAGE"
npm pack --silent "$NPM_SOURCE_PACKAGE" >/dev/null
tar xzf ./*.tgz
src="$work/package/deps/librdkafka"
grep -q "#define RD_KAFKA_VERSION $LIBRDKAFKA_HEX" "$src/src/rdkafka.h" \
  || { log "$NPM_SOURCE_PACKAGE does not carry librdkafka $LIBRDKAFKA_VERSION"; exit 1; }

cd "$src"
log "configure (static OpenSSL, zlib and zstd; no GSSAPI, no curl)"
./configure --enable-static --disable-lz4-ext --disable-gssapi --disable-curl >"$work/configure.log" 2>&1 \
  || { tail -40 "$work/configure.log" >&2; exit 1; }
log "make (C library only)"
make -j"$(nproc)" -C src >"$work/make.log" 2>&1 || { tail -60 "$work/make.log" >&2; exit 1; }

stage="$work/stage"
mkdir -p "$stage/runtimes/$rid/native" "$stage/buildTransitive"
cp src/librdkafka.so.1 "$stage/runtimes/$rid/native/librdkafka.so"
strip --strip-unneeded "$stage/runtimes/$rid/native/librdkafka.so"
cp LICENSES.txt README.md "$stage/"
sed -e "s/@VERSION@/$LIBRDKAFKA_VERSION/g" -e "s/@RID@/$rid/g" \
  "$root/eng/native/$PACKAGE_ID.nuspec" >"$stage/$PACKAGE_ID.nuspec"
sed -e "s/@RID@/$rid/g" "$root/eng/native/$PACKAGE_ID.targets" >"$stage/buildTransitive/$PACKAGE_ID.targets"

log "packing $nupkg_name"
# A nuspec-only pack needs no project; NoDefaultExcludes keeps the native file as-is.
dotnet pack "$stage/$PACKAGE_ID.nuspec" -o "$cache" -p:NuspecBasePath="$stage" \
  -p:NoWarn='NU5100%3BNU5128%3BNU5127' --nologo >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log" >&2; exit 1; }
verify "$cache/$nupkg_name" || { log "the package just built does not load here"; exit 1; }
[[ "$(cd "$output" && pwd)/$nupkg_name" -ef "$cache/$nupkg_name" ]] || cp "$cache/$nupkg_name" "$output/"
log "done: $output/$nupkg_name (cached in $cache)"
echo "$output/$nupkg_name"
