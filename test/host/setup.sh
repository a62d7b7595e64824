#!/usr/bin/env bash
# Installs, once per machine, the VS Code that `npm start` and the editor tests run:
#   code-server 4.100.3 (VS Code 1.100.3 in the browser, from npm) into the user cache that every clone
#   shares, ${XDG_CACHE_HOME:-~/.cache}/hpstudio (HPSTUDIO_VSCODE_TEST_DIR overrides; test/host/codeServer.js
#   is the one place that says where), plus the Debian packages its native modules build with;
# and with --chromium, Debian's chromium, the browser the host and UI tests drive.
# Says what it installs and why, with progress; two clones installing at once wait for each other.
# Nothing downloads outside npm and apt.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$(node -p "require('$ROOT/test/host/codeServer.js').CACHE")
CS_VERSION=4.100.3
CS_DIR="$CACHE/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
DONE_MARK="$CS_DIR/.hpstudio-installed"
WITH_CHROMIUM=0
[ "${1:-}" = --chromium ] && WITH_CHROMIUM=1
mkdir -p "$CACHE"

say() { echo "hpstudio: $*" >&2; }

apt_install() {  # why, packages…
  local why=$1; shift
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages ($why): $* — install them with: sudo apt-get install -y $*"
    exit 1
  fi
  say "installing Debian packages ($why): $* — about a minute…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
  say "  done"
}

installed() {  # complete: marked, or (an install from before the mark existed) answering --version
  [ -f "$DONE_MARK" ] && return 0
  [ -x "$CS_BIN" ] && XDG_CONFIG_HOME="$CACHE/xdg" XDG_DATA_HOME="$CACHE/xdg" "$CS_BIN" --version >/dev/null 2>&1
}

if [ "$WITH_CHROMIUM" = 1 ] && ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt_install "the browser the editor tests drive" chromium
fi
if installed; then exit 0; fi

# One install per machine: a second clone starting meanwhile waits here instead of building it again.
exec 9>"$CACHE/.install.lock"
if ! flock -n 9; then
  say "another clone is installing code-server into $CACHE; waiting for it…"
  flock 9
  if installed; then say "  code-server is ready"; exit 0; fi
fi

need=()
# code-server's native modules: kerberos needs the gssapi headers, node-pty a compiler; @vscode/ripgrep
# is seeded from Debian's rg (its own install would download from GitHub).
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
command -v g++ >/dev/null 2>&1 || need+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ ${#need[@]} -eq 0 ] || apt_install "to build code-server's native modules" "${need[@]}"

LOG="$CACHE/code-server-install.log"
say "installing code-server $CS_VERSION (VS Code in the browser) into $CS_DIR"
say "  once per machine and shared by every clone: 3–8 minutes on 2 cores (npm install + native builds; log: $LOG)"
rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
# @vscode/ripgrep's postinstall fetches a binary from GitHub; it first looks in this cache.
export TMPDIR="$CACHE/tmp"; mkdir -p "$TMPDIR/rgseed"
RGC="$TMPDIR/vscode-ripgrep-cache-1.15.11"; mkdir -p "$RGC"
cp "$(command -v rg)" "$TMPDIR/rgseed/rg"
tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgseed" rg
echo '{"name":"hpstudio-code-server","private":true}' > "$CS_DIR/package.json"
# Progress: every 15 s, the time so far and what npm is doing (the last line of its log).
started=$(date +%s)
( while sleep 15; do
    line=$(tail -n 1 "$LOG" 2>/dev/null | tr -d '\r' | cut -c1-90)
    say "  … $(( $(date +%s) - started )) s: ${line:-working}"
  done ) &
progress=$!
trap 'kill $progress 2>/dev/null || true' EXIT
# unsafe_perm: its postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`;
# nodedir=/usr: build native modules against the installed node headers instead of downloading them.
if ! ( cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
    npm install --no-audit --no-fund --no-save --foreground-scripts "code-server@$CS_VERSION" > "$LOG" 2>&1 ); then
  kill $progress 2>/dev/null || true
  tail -40 "$LOG" >&2
  say "code-server install failed (log: $LOG)"
  exit 1
fi
kill $progress 2>/dev/null || true
XDG_CONFIG_HOME="$CACHE/xdg" XDG_DATA_HOME="$CACHE/xdg" "$CS_BIN" --version >/dev/null
touch "$DONE_MARK"
say "  code-server $CS_VERSION installed in $(( $(date +%s) - started )) s"
