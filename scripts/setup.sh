#!/usr/bin/env bash
# Installs what axgen needs on a Debian machine: the simulators and synthesis tools and the
# Fashion-MNIST dataset (only when one is missing, so a machine that has them pays nothing) and the
# npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for t in iverilog verilator yosys nextpnr-ice40 icepack g++ make ccache; do
  command -v "$t" >/dev/null 2>&1 || need+=("$t")
done
# Fashion-MNIST for `axgen accuracy` (gzip'd IDX files under /usr/share/datasets/fashion-mnist).
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || need+=("fashion-mnist")
if [ ${#need[@]} -gt 0 ]; then
  echo "axgen setup: installing Debian packages (missing: ${need[*]})"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    iverilog verilator yosys nextpnr-ice40 fpga-icestorm build-essential ccache dataset-fashion-mnist >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "axgen setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "axgen setup: ready ($(iverilog -V 2>/dev/null | head -1); $(verilator --version); $(yosys -V))"
