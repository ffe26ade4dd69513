#!/usr/bin/env bash
# Long regression: `axgen regress --suite full` — every registered unit kind × its representative
# parameter sets × both dataflows × signed/unsigned/mixed operands × shapes from 1x1 to 16x16 (plus
# saturating accumulators, zero-skip, and the requantizing output stage on every kind × parameter set ×
# dataflow with int8/uint8 outputs), plus every unit's PE pipeline settings (UnitSamples.pipeline: all
# cut points + macc, and macc alone) on both dataflows at 2x3 and 4x4 (the first setting also at 8x8;
# 172 configs more), on Icarus and Verilator.
# Before it: 30 random valid config names through every tool (test/properties/names.test.ts, AXGEN_NAME_RUNS).
# Not part of `npm test`: it builds one Verilator model per config (~5 s each with ccache, more the
# first time); 480 configs, 960 jobs: 18 minutes on 2 cores from an empty build cache, ccache warm (all passed, seed 7;
# measured before the 78 output-stage configs were added). Reports go to .ci-out/regress-full/ (JUnit XML,
# JSON for tools). Extra arguments are passed on, e.g.:
#   npm run regress:full -- --seed 7 --simulator verilator --jobs 4
#   npm run regress:full -- --list            # what it would run
# Then the gate-level matrix (scripts/gate-matrix.ts): 4x4 and 8x8 arrays of every unit kind,
# synthesized for ice40/xilinx with and without DSPs and generic gates, each netlist co-simulated
# with Yosys' cell models (report in gate.json). Skip it with AXGEN_SKIP_GATE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${AXGEN_REGRESS_OUT:-.ci-out/regress-full}"
mkdir -p "$out"
# Random valid config names through generate, lint, both simulators and synthesis (3 in `npm test`).
AXGEN_NAME_SEED="${AXGEN_NAME_SEED:-$RANDOM$RANDOM}" AXGEN_NAME_RUNS="${AXGEN_NAME_RUNS:-30}" npx vitest run test/properties/names.test.ts
status=0
node bin/axgen.js regress --suite full --junit "$out/full.junit.xml" --json "$out/full.json" "$@" || status=$?
# The utilisation table (bench/utilisation.ts): GEMMs up to 256x256x256 on 4x4 and 8x8 arrays of
# both dataflows in Verilator, every command's counters and the totals equal to the cycle model.
if [[ " $* " != *" --list "* ]]; then
  npx tsx bench/utilisation.ts | tee "$out/utilisation.txt" || { us=$?; [[ $status -eq 0 ]] && status=$us; }
fi
if [[ "${AXGEN_SKIP_GATE:-0}" != 1 && " $* " != *" --list "* ]]; then
  npx tsx scripts/gate-matrix.ts "$out" || { gs=$?; [[ $status -eq 0 ]] && status=$gs; }
fi
exit "$status"
