#!/usr/bin/env bash
# Installs what the in-host and UI tests need, once, into .vscode-test/ (git-ignored):
#   - code-server 4.100.3 from npm (bundles VS Code 1.100.3, runs on node 20), and
#   - Debian's chromium when it is missing and we are root (otherwise: a message saying how).
# playwright-core is an ordinary devDependency. Nothing here downloads outside npm/apt.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${HPSTUDIO_VSCODE_TEST_DIR:-$ROOT/.vscode-test}
CS_VERSION=4.100.3
CS_DIR="$CACHE/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
mkdir -p "$CACHE"

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "hpstudio tests: missing system packages: $* — install them with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
if [ ! -x "$CS_BIN" ]; then
  # code-server's native modules: kerberos needs gssapi headers; @vscode/ripgrep is seeded from Debian's rg.
  [ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
  command -v rg >/dev/null 2>&1 || need+=(ripgrep)
  command -v g++ >/dev/null 2>&1 || need+=(build-essential)
  command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
fi
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

if [ ! -x "$CS_BIN" ]; then
  echo "hpstudio tests: installing code-server $CS_VERSION into $CS_DIR (once, ~2 min)…" >&2
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # @vscode/ripgrep's postinstall fetches a binary from GitHub; it first looks in this cache.
  export TMPDIR="$CACHE/tmp"; mkdir -p "$TMPDIR/rgseed"
  RGC="$TMPDIR/vscode-ripgrep-cache-1.15.11"; mkdir -p "$RGC"
  cp "$(command -v rg)" "$TMPDIR/rgseed/rg"
  tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgseed" rg
  echo '{"name":"hpstudio-code-server","private":true}' > "$CS_DIR/package.json"
  # unsafe_perm: its postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`;
  # nodedir=/usr: build native modules against the installed node headers instead of downloading them.
  ( cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
      npm install --no-audit --no-fund --no-save --foreground-scripts "code-server@$CS_VERSION" > "$CACHE/code-server-install.log" 2>&1 ) \
    || { tail -40 "$CACHE/code-server-install.log" >&2; echo "hpstudio tests: code-server install failed (log: $CACHE/code-server-install.log)" >&2; exit 1; }
fi
XDG_CONFIG_HOME="$CACHE/xdg" XDG_DATA_HOME="$CACHE/xdg" "$CS_BIN" --version | head -1 >&2
