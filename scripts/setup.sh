#!/usr/bin/env bash
# Installs what axgen needs on a Debian machine: the simulators and synthesis tools (only when one
# is missing, so a machine that has them pays nothing) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for t in iverilog verilator yosys nextpnr-ice40 icepack g++ make ccache; do
  command -v "$t" >/dev/null 2>&1 || need+=("$t")
done
# Data the network tests read: ONNX's node conformance tests and the Fashion-MNIST images.
pkgs=()
for p in libonnx-testdata dataset-fashion-mnist; do
  dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p")
done
if [ ${#need[@]} -gt 0 ] || [ ${#pkgs[@]} -gt 0 ]; then
  echo "axgen setup: installing Debian packages (missing: ${need[*]:-} ${pkgs[*]:-})"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    iverilog verilator yosys nextpnr-ice40 fpga-icestorm build-essential ccache \
    libonnx-testdata dataset-fashion-mnist >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "axgen setup: installing npm dependencies"
  # onnxruntime-node's install script would download CUDA binaries (not needed, and not reachable
  # here); the CPU library ships inside the package. Its documented switch skips the download.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi
echo "axgen setup: ready ($(iverilog -V 2>/dev/null | head -1); $(verilator --version); $(yosys -V))"
