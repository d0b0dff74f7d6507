#!/bin/sh
# Counts the instructions of N units of one bench case (see callgrind-case.ts).
# usage: bench/tools/callgrind-case.sh <workload> <impl> <units> <callgrind output file>
set -e
cd "$(dirname "$0")/../.."
gate="$4.gate"
rm -f "$gate" "$gate.ready"
DIVERGE_ADDON="${DIVERGE_ADDON:-$PWD/build-prof/Release/diverge.node}" \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$4" \
  node --import tsx bench/tools/callgrind-case.ts "$1" "$2" "$3" "$gate" &
pid=$!
while [ ! -e "$gate.ready" ]; do sleep 1; done
callgrind_control -i on "$pid" >/dev/null
touch "$gate"
wait "$pid"
rm -f "$gate" "$gate.ready"
