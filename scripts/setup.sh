#!/usr/bin/env bash
# Installs what a fresh machine lacks for rollgate: npm packages (with better-sqlite3 built), a
# Chromium for the golden paths and Prometheus for metric checks. Safe to run again: it skips what
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  say "Node $(node --version) is too old: rollgate needs Node 20.19 or newer." >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json (better-sqlite3 may build from source, about 2 minutes)"
  # Not `npm ci`: npm 11 writes lockfiles without other platforms' optional packages (biome's) and
  # then refuses them in `npm ci`. `npm install --no-save` installs the locked versions all the same.
  npm install --no-save --no-audit --no-fund
fi
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then
  say "better-sqlite3 is not built; rebuilding it"
  npm rebuild better-sqlite3
fi

find_browser() {
  if [ -n "${ROLLGATE_CHROMIUM:-}" ] && [ -x "$ROLLGATE_CHROMIUM" ]; then return 0; fi
  if compgen -G "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/chromium-*/chrome-linux*/chrome" >/dev/null; then return 0; fi
  [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]
}

if find_browser; then
  say "browser found"
elif command -v apt-get >/dev/null; then
  # Debian's chromium: Playwright's own browser download is blocked on many CI networks.
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  say "no Chromium found; installing Debian's chromium with apt-get"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  find_browser || { say "chromium installed but not found at /usr/lib/chromium/chromium" >&2; exit 1; }
else
  say "no Chromium found and no apt-get: install Chromium, or set ROLLGATE_CHROMIUM to its binary." >&2
  exit 1
fi
say "building dist/ (the package's JavaScript) when it is missing or stale"
node scripts/build.mjs
# Metric checks run Debian's Prometheus (embedded server, promtool for recorded series). Without one
# on ROLLGATE_PROMETHEUS, PATH or in .cache/rollgate/, fetch the package with apt-get download and
# unpack it there: no root, no system service.
if node bin/rollgate.mjs prometheus where >/dev/null 2>&1; then
  say "Prometheus found ($(node bin/rollgate.mjs prometheus where | head -n 1))"
else
  say "no Prometheus found; extracting Debian's prometheus package into .cache/rollgate/prometheus (apt-get download, no root)"
  node bin/rollgate.mjs prometheus install
fi
say "ready"
