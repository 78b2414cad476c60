#!/usr/bin/env bash
# KafkaConnector for .NET: the one entry point.
#   ./build.sh test                  restore, build, run every test (non-zero exit on any failure)
#   ./build.sh demo [-- ARGS]        run samples/ClusterDemo, passing ARGS through
#   ./build.sh chat [-- ARGS]        run samples/ChatDemo: two web nodes, channel-mode chat, dashboard
#                                    (--serve keeps them up for a browser, --port N, --verbose)
#   ./build.sh broker [ARGS]         run the embedded Kafka broker until Ctrl+C/SIGTERM
#                                    (--brokers N, --bootstrap-file PATH, --topic NAME[:PARTITIONS])
#   ./build.sh faults [N]            the fault suite with N messages per input batch (default 5000; ./build.sh test runs 400)
#   ./build.sh build                 restore and build only
#   ./build.sh pack                  pack every package (src/*, the broker tool) into artifacts/packages,
#                                    with SourceLink when origin is the GitHub repository
#   ./build.sh bench [ARGS]          run the benchmarks (raw Confluent.Kafka vs connector, docs/performance.md):
#                                    table on stdout, artifacts/bench/results.json and throughput.svg;
#                                    --quick for a smoke run (< 90 s with the build), --only GROUPS, --reps N,
#                                    --set KafkaConnector:KEY=VALUE; KAFKA_BOOTSTRAP_SERVERS for a real cluster
# Restore uses the official librdkafka.redist when its binary loads on this machine, else a local
# build from Confluent's source (docs/native-library.md); the build output says which and why.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
configuration="${CONFIGURATION:-Release}"
solution="KafkaConnector.sln"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[build] %s\n' "$*" >&2; }

# Which librdkafka the runnable projects load is decided by whether the official binary loads on
# this machine, not by whether restore found it (docs/native-library.md):
#   1. restore with the official librdkafka.redist;
#   2. ldd its runtimes/<rid>/native/librdkafka.so: every dependency resolved -> use it;
#   3. otherwise take KafkaConnector.Native.Librdkafka (a distinct package id, so no feed race),
#      built from Confluent's source by eng/native/librdkafka-fallback.sh, and restore again.
# The choice goes to eng/native/librdkafka.props, which Directory.Build.targets imports.
librdkafka_version="2.15.1"
native_props="eng/native/librdkafka.props"

native_rid() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo linux-x64 ;;
    Linux-aarch64) echo linux-arm64 ;;
    *) echo "" ;;
  esac
}

# Prints the unresolved dependencies of a shared library (empty when it can load).
missing_deps() {
  ldd "$1" 2>&1 | awk '/not found/ {print $1}' | paste -sd, - || true
}

global_packages() {
  if [[ -n "${NUGET_PACKAGES:-}" ]]; then echo "$NUGET_PACKAGES"; return; fi
  dotnet nuget locals global-packages --list | sed 's/^global-packages: *//'
}

write_native_props() { # official|local
  printf '<Project>\n  <PropertyGroup>\n    <KafkaConnectorLibrdkafka>%s</KafkaConnectorLibrdkafka>\n  </PropertyGroup>\n</Project>\n' "$1" >"$native_props"
}

dotnet_restore() {
  local log
  log="$(mktemp)"
  if ! dotnet restore "$solution" --nologo "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

restore() {
  mkdir -p eng/local-feed
  dotnet_restore -p:KafkaConnectorLibrdkafka=official
  local rid packages official missing
  rid="$(native_rid)"
  if [[ -z "$rid" ]]; then
    write_native_props official
    say "librdkafka $librdkafka_version: official librdkafka.redist (no load check on $(uname -s)-$(uname -m))"
    return
  fi
  packages="$(global_packages)"
  official="$packages/librdkafka.redist/$librdkafka_version/runtimes/$rid/native/librdkafka.so"
  [[ -f "$official" ]] || { say "restore did not bring $official"; exit 1; }
  missing="$(missing_deps "$official")"
  case "${KAFKACONNECTOR_LIBRDKAFKA:-auto}" in
    auto) ;;
    official)
      write_native_props official
      say "librdkafka $librdkafka_version: official librdkafka.redist (KAFKACONNECTOR_LIBRDKAFKA=official${missing:+; its plain $rid binary needs $missing, so Confluent.Kafka loads another of its builds})"
      return ;;
    local) missing="${missing:-nothing (KAFKACONNECTOR_LIBRDKAFKA=local)}" ;;
    *) say "KAFKACONNECTOR_LIBRDKAFKA must be auto, official or local, not '${KAFKACONNECTOR_LIBRDKAFKA}'"; exit 2 ;;
  esac
  if [[ -z "$missing" ]]; then
    write_native_props official
    say "librdkafka $librdkafka_version: official librdkafka.redist (its $rid binary resolves every dependency here)"
    return
  fi
  say "librdkafka $librdkafka_version: local build KafkaConnector.Native.Librdkafka, because the official librdkafka.redist $rid binary needs $missing, not found on this machine"
  eng/native/librdkafka-fallback.sh >/dev/null
  write_native_props local
  dotnet_restore
  local chosen="$packages/kafkaconnector.native.librdkafka/$librdkafka_version/runtimes/$rid/native/librdkafka.so"
  missing="$(missing_deps "$chosen")"
  [[ -z "$missing" ]] || { say "the local build $chosen still needs $missing: cannot go on"; exit 1; }
}

# After a build, each runnable output must hold a librdkafka that loads here, checked in the order
# Confluent.Kafka tries them (librdkafka.so, then librdkafka.redist's centos8 build): a cache can lie.
verify_native_outputs() {
  local rid dir so missing loaded bad=0 count=0
  rid="$(native_rid)"
  [[ -n "$rid" ]] || return 0
  while IFS= read -r dir; do
    count=$((count + 1))
    loaded="" missing=""
    for so in "$dir/librdkafka.so" "$dir/centos8-librdkafka.so"; do
      [[ -f "$so" ]] || continue
      if [[ -z "$(missing_deps "$so")" ]]; then loaded="$so"; break; fi
      missing="${missing:+$missing; }$(basename "$so") needs $(missing_deps "$so")"
    done
    if [[ -z "$loaded" ]]; then
      say "error: no librdkafka in $dir can load on this machine (${missing:-none there}); docs/native-library.md"
      bad=1
    elif [[ "$loaded" != "$dir/librdkafka.so" ]]; then
      say "note: $dir: Confluent.Kafka loads $(basename "$loaded") ($missing)"
    fi
  done < <(find src tests samples tools benchmarks -path "*/bin/$configuration/*/runtimes/$rid/native" -type d 2>/dev/null | sort)
  ((bad == 0)) || exit 1
  say "checked the librdkafka of $count build output(s): each loads on this machine"
}

build() {
  restore
  say "building $solution ($configuration)"
  dotnet build "$solution" -c "$configuration" --no-restore --nologo -v q -clp:NoSummary >&2
  verify_native_outputs
}

# Says which broker the tests use (KafkaTestCluster decides the same way from the same variables)
# and stops at once when the container mode has no Docker engine to run on.
report_broker_mode() {
  local mode="${KAFKA_TEST_BROKER:-}"
  mode="$(echo "$mode" | tr "[:upper:]" "[:lower:]" | tr -d "[:space:]")"
  [[ -n "$mode" ]] || mode="$([[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && echo external || echo embedded)"
  case "$mode" in
    embedded)
      say "integration tests run against the embedded Kafka broker (librdkafka mock cluster); KAFKA_TEST_BROKER=external (with KAFKA_BOOTSTRAP_SERVERS) or =testcontainers for a real Kafka" ;;
    external)
      [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] || { say "KAFKA_TEST_BROKER=external needs KAFKA_BOOTSTRAP_SERVERS"; exit 2; }
      say "integration tests run against the external cluster KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" ;;
    testcontainers)
      timeout 3 docker info >/dev/null 2>&1 \
        || { say "KAFKA_TEST_BROKER=testcontainers needs a Docker engine, and none answers (DOCKER_HOST=${DOCKER_HOST:-unset}): start one, or unset KAFKA_TEST_BROKER for the embedded broker"; exit 1; }
      say "integration tests run against Apache Kafka in a container (Testcontainers, confluentinc/cp-kafka:7.6.1)" ;;
    *)
      say "KAFKA_TEST_BROKER='$KAFKA_TEST_BROKER' is not a broker mode; use one of embedded, external, testcontainers"; exit 2 ;;
  esac
}

run_tests() {
  build
  report_broker_mode
  local log status=0 packaged=0
  package_test || packaged=1
  log="$(mktemp)"
  dotnet test "$solution" -c "$configuration" --no-build --nologo \
    --blame-hang-timeout 5m --results-directory artifacts/test-results 2>&1 | tee "$log" || status=$?
  # One closing line for the whole run, summed over the test assemblies.
  awk '
    /(Passed|Failed)!/ {
      for (i = 1; i <= NF; i++) {
        gsub(",", "", $(i + 1))
        if ($i == "Failed:") f += $(i + 1)
        if ($i == "Passed:") p += $(i + 1)
        if ($i == "Skipped:") s += $(i + 1)
      }
      n++
    }
    /Test process crashed|Catastrophic failure|The active test run was aborted/ { crashed++ }
    END {
      # A crashed test host still prints "Passed!" for the tests it finished: count it as a failure.
      f += crashed
      printf "tests: %d passed, %d failed, %d skipped\n", p, f, s
      if (n == 0 || p == 0 || f > 0) exit 1
    }
  ' "$log" || status=${status/#0/1}
  rm -f "$log"
  ((packaged == 0)) || { say "the package test failed (above)"; status=1; }
  return "$status"
}

# Packs every package into artifacts/packages: each project of src/ as built, then the broker tool.
# The tool gets its own output folder: packed, it carries the official librdkafka a user gets,
# while its build output for ./build.sh broker keeps this machine's choice.
pack_packages() { # extra dotnet pack arguments
  local out="$root/artifacts/packages"
  rm -rf "$out"
  mkdir -p "$out"
  local project
  for project in src/*/*.csproj; do
    dotnet pack "$project" -c "$configuration" --nologo -v q -clp:NoSummary -o "$out" "$@" >&2
  done
  dotnet pack tools/KafkaConnector.EmbeddedBroker -c "$configuration" --nologo -v q -clp:NoSummary -o "$out" \
    -p:PackBrokerTool=true -p:OutputPath="$root/artifacts/broker-tool/bin/" "${@/--no-build/}" >&2
  say "packages in artifacts/packages: $(cd "$out" && ls -- *.nupkg | paste -sd' ' -) (and their .snupkg symbols)"
}

pack() {
  build
  local origin sourcelink=()
  origin="$(git remote get-url origin 2>/dev/null || true)"
  if [[ "$origin" == https://github.com/* || "$origin" == git@github.com:* ]]; then
    sourcelink=(-p:KafkaConnectorSourceLink=true -p:ContinuousIntegrationBuild=true)
    say "SourceLink on: sources at $origin"
  else
    say "SourceLink off: origin '${origin:-none}' is not a GitHub repository"
  fi
  pack_packages "${sourcelink[@]}"
}

# The path a newcomer takes: samples/GettingStarted references the packages just packed (not the
# projects), restores into an empty packages folder of its own so that no cached package can stand
# in for them, runs against the embedded broker and must receive the message it sent.
package_test() {
  pack_packages --no-build
  local work="$root/artifacts/package-test" feed="$root/artifacts/packages" output
  rm -rf "$work"
  mkdir -p "$work/packages"
  # KafkaConnector* only from the fresh packages; anything else from the packages this machine
  # already restored, else nuget.org.
  cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$feed" />
    <add key="restored" value="$(global_packages)" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="packed"><package pattern="KafkaConnector" /><package pattern="KafkaConnector.*" /></packageSource>
    <packageSource key="restored"><package pattern="*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
  say "package test: samples/GettingStarted from artifacts/packages, restored into $work/packages"
  NUGET_PACKAGES="$work/packages" dotnet restore samples/GettingStarted --configfile "$work/nuget.config" --nologo -v q >&2
  NUGET_PACKAGES="$work/packages" dotnet build samples/GettingStarted -c "$configuration" --no-restore --nologo -v q -clp:NoSummary >&2
  local app="$root/samples/GettingStarted/bin/$configuration/net10.0"
  output="$(dotnet "$app/GettingStarted.dll" 2>&1)" || { say "package test failed: $output"; return 1; }
  [[ "$output" == *"received: hello, Kafka"* ]] || { say "package test failed: expected 'received: hello, Kafka', got: $output"; return 1; }
  # A service that references only the core gets neither HTTP nor health checks (and the deps file
  # read is the one of the packages: it names KafkaConnector and the official librdkafka.redist).
  local extra deps="$app/GettingStarted.deps.json"
  grep -q '"KafkaConnector/0.1.0"' "$deps" && grep -q '"librdkafka.redist/' "$deps" \
    || { say "package test failed: $deps does not name the KafkaConnector package and librdkafka.redist"; return 1; }
  extra="$(grep -oE '"Microsoft\.Extensions\.(Http|Diagnostics\.HealthChecks)[^"]*"' "$deps" | sort -u | paste -sd, - || true)"
  [[ -z "$extra" ]] || { say "package test failed: a service referencing only KafkaConnector gets $extra"; return 1; }
  say "package test passed: the sample sent and received a message through the packages; its dependencies hold no HTTP or health-check assembly"
}

project_dll() { # project-dir assembly-name
  echo "$root/$1/bin/$configuration/net10.0/$2.dll"
}

command="${1:-}"
[[ $# -gt 0 ]] && shift
case "$command" in
  test)
    run_tests
    ;;
  build)
    build
    ;;
  pack)
    pack
    ;;
  faults)
    build
    say "fault suite: node processes on the standalone broker, kafka-python as the oracle, ${1:-5000} messages per batch"
    FAULT_SUITE_MESSAGES="${1:-5000}" dotnet test tests/KafkaConnector.FaultTests -c "$configuration" --no-build --nologo \
      --logger "console;verbosity=normal" --results-directory artifacts/test-results
    ;;
  demo)
    [[ "${1:-}" == "--" ]] && shift
    build
    exec dotnet "$(project_dll samples/ClusterDemo ClusterDemo)" "$@"
    ;;
  chat)
    [[ "${1:-}" == "--" ]] && shift
    build
    exec dotnet "$(project_dll samples/ChatDemo ChatDemo)" "$@"
    ;;
  broker)
    [[ "${1:-}" == "--" ]] && shift
    build
    exec dotnet "$(project_dll tools/KafkaConnector.EmbeddedBroker kafkaconnector-broker)" "$@"
    ;;
  bench)
    [[ "${1:-}" == "--" ]] && shift
    # Only the harness and what it references: the tests need not be built to measure.
    restore
    say "building benchmarks/KafkaConnector.Benchmarks (Release)"
    dotnet build benchmarks/KafkaConnector.Benchmarks -c Release --no-restore --nologo -v q -clp:NoSummary >&2
    verify_native_outputs
    exec dotnet "$root/benchmarks/KafkaConnector.Benchmarks/bin/Release/net10.0/kafkaconnector-bench.dll" --out "$root/artifacts/bench" "$@"
    ;;
  *)
    # The header comment, up to the first line that is not one.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    [[ -z "$command" || "$command" == "help" || "$command" == "-h" || "$command" == "--help" ]] || exit 2
    ;;
esac
