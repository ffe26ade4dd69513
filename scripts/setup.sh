#!/usr/bin/env bash
# Installs what axgen needs on a Debian machine: the simulators and synthesis tools and the
# Fashion-MNIST dataset (only when one is missing, so a machine that has them pays nothing) and the
# npm dependencies; builds the compiled CLI (dist/) and links the `axgen` command onto the PATH: a symlink to this checkout's
# bin/axgen.js in /usr/local/bin (root) or ~/.local/bin (AXGEN_BIN_DIR overrides), so `axgen`
# runs this checkout from any folder and never a registry package of the same name (as `npx axgen`
# outside the checkout would).
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

if [ -L node_modules ]; then
  # A node_modules shared from another checkout (a git worktree): `npm ci` would empty the folder it
  # points to under every checkout that shares it. Leave it to the checkout that owns it.
  echo "axgen setup: node_modules links to $(readlink node_modules); not reinstalling it from here"
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "axgen setup: installing npm dependencies"
  # onnxruntime-node's install script would download CUDA binaries (not needed, and not reachable
  # here); the CPU library ships inside the package. Its documented switch skips the download.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi
echo "axgen setup: building the compiled CLI (dist/)"
npm run --silent build

bin_dir="${AXGEN_BIN_DIR:-}"
if [ -z "$bin_dir" ]; then
  if [ "$(id -u)" -eq 0 ]; then bin_dir=/usr/local/bin; else bin_dir="$HOME/.local/bin"; fi
fi
target="$PWD/bin/axgen.js"
link="$bin_dir/axgen"
mkdir -p "$bin_dir"
if [ -e "$link" ] && [ ! -L "$link" ]; then
  # Never replace a file axgen did not put there.
  echo "axgen setup: $link exists and is not a link to an axgen checkout; left alone. Remove it, or set AXGEN_BIN_DIR, and run the setup again." >&2
  exit 1
elif [ -L "$link" ] && [ "$(readlink "$link")" != "$target" ] && [ "$(basename "$(readlink "$link")")" != "axgen.js" ]; then
  echo "axgen setup: $link links to $(readlink "$link"), which is not an axgen checkout; left alone. Remove it, or set AXGEN_BIN_DIR, and run the setup again." >&2
  exit 1
fi
if [ "$(readlink "$link" 2>/dev/null)" != "$target" ]; then
  [ -L "$link" ] && echo "axgen setup: $link linked to $(readlink "$link"); now to this checkout"
  ln -sfn "$target" "$link"
fi
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "axgen setup: add $bin_dir to your PATH to run \`axgen\` from any folder (e.g. in ~/.profile: export PATH=\"$bin_dir:\$PATH\")" ;;
esac
echo "axgen setup: \`axgen\` → $target"
echo "axgen setup: ready ($(iverilog -V 2>/dev/null | head -1); $(verilator --version); $(yosys -V))"
