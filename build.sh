#!/usr/bin/env bash
# KafkaConnector for .NET: the one entry point.
#   ./build.sh test                  restore, build, run every test (non-zero exit on any failure)
#   ./build.sh demo [-- ARGS]        run samples/ClusterDemo, passing ARGS through
#   ./build.sh broker [ARGS]         run the embedded Kafka broker until Ctrl+C/SIGTERM
#                                    (--brokers N, --bootstrap-file PATH, --topic NAME[:PARTITIONS])
#   ./build.sh build                 restore and build only
#   ./build.sh bench [ARGS]          run the benchmarks (raw Confluent.Kafka vs connector, docs/performance.md):
#                                    table on stdout, artifacts/bench/results.json and throughput.svg;
#                                    --quick for a smoke run (< 90 s with the build), --only GROUPS, --reps N,
#                                    --set KafkaConnector:KEY=VALUE; KAFKA_BOOTSTRAP_SERVERS for a real cluster
# Restore falls back to a local build of librdkafka only when the NuGet sources lack it
# (docs/native-library.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
configuration="${CONFIGURATION:-Release}"
solution="KafkaConnector.sln"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[build] %s\n' "$*" >&2; }

restore() {
  mkdir -p eng/local-feed
  local log
  log="$(mktemp)"
  if dotnet restore "$solution" --nologo >"$log" 2>&1; then
    rm -f "$log"
  elif grep -q "librdkafka.redist" "$log"; then
    say "restore could not get librdkafka.redist 2.15.1 from the configured NuGet sources:"
    grep -m1 "librdkafka.redist" "$log" | sed 's/^ */    /' >&2
    say "using the native fallback (local build of librdkafka, cached after the first run)"
    rm -f "$log"
    eng/native/librdkafka-fallback.sh >&2
    dotnet restore "$solution" --nologo >&2
  else
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  report_native
}

# Says where the librdkafka that Confluent.Kafka loads came from.
report_native() {
  local packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  local meta="$packages/librdkafka.redist/2.15.1/.nupkg.metadata"
  if [[ -f "$meta" ]]; then
    local source
    source="$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$meta")"
    if grep -q "Local build" "$packages/librdkafka.redist/2.15.1/librdkafka.redist.nuspec" 2>/dev/null; then
      say "librdkafka.redist 2.15.1: local build from source (native fallback), restored from ${source:-?}"
    else
      say "librdkafka.redist 2.15.1: official package from ${source:-?}"
    fi
  fi
}

build() {
  restore
  say "building $solution ($configuration)"
  dotnet build "$solution" -c "$configuration" --no-restore --nologo -v q -clp:NoSummary >&2
}

run_tests() {
  build
  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    say "integration tests run against the external cluster KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS"
  else
    say "integration tests run against the embedded Kafka broker (librdkafka mock cluster); set KAFKA_BOOTSTRAP_SERVERS to use a real cluster"
  fi
  local log status=0
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
  return "$status"
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
  demo)
    [[ "${1:-}" == "--" ]] && shift
    build
    exec dotnet "$(project_dll samples/ClusterDemo ClusterDemo)" "$@"
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
    exec dotnet "$root/benchmarks/KafkaConnector.Benchmarks/bin/Release/net10.0/kafkaconnector-bench.dll" --out "$root/artifacts/bench" "$@"
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "$command" || "$command" == "help" || "$command" == "-h" || "$command" == "--help" ]] || exit 2
    ;;
esac
