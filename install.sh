#!/usr/bin/env bash
# rawlight installer: pinned Node 24 runtime, dependencies, build, folders and config, models,
# `rawlight` on PATH, and the daemon started (launchd on macOS, systemd user unit on Linux when
# available, otherwise a background process). Idempotent: a second run changes nothing.
#
#   ./install.sh [--library DIR] [--no-start] [--no-agent] [--skip-models]
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
library=""
start=1
agent=1
models=1
while [ $# -gt 0 ]; do
  case "$1" in
    --library) library=$(cd "${2:?--library needs a folder}" 2>/dev/null && pwd || { mkdir -p "$2" && cd "$2" && pwd; }); shift 2 ;;
    --library=*) d=${1#--library=}; mkdir -p "$d"; library=$(cd "$d" && pwd); shift ;;
    --no-start) start=0; shift ;;
    --no-agent) agent=0; shift ;;
    --skip-models) models=0; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 64 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }

# 1. The runtime: Node 24 LTS from the npm registry, into the project (a stable path for Full Disk
#    Access and launchd). The machine's own node/npm only bootstraps it.
NODE_MAJOR=24
node_bin="$root/.runtime/node_modules/.bin/node"
if [ ! -x "$node_bin" ] || [ "$("$node_bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$NODE_MAJOR" ]; then
  command -v npm >/dev/null || { echo "install.sh: npm is needed once to fetch Node $NODE_MAJOR (install Node.js from nodejs.org or your package manager)" >&2; exit 69; }
  say "installing Node $NODE_MAJOR into .runtime/"
  npm install --prefix "$root/.runtime" --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >/dev/null
fi
export PATH="$root/.runtime/node_modules/.bin:$PATH"
say "runtime: $(node --version) ($(node -p 'require("fs").realpathSync(process.execPath)'))"

# 2. Dependencies, only when the lock file or the runtime changed (npm ci starts from scratch).
stamp="$root/node_modules/.rawlight-install-stamp"
want="$(node -p 'process.version')-$(sha256sum package-lock.json 2>/dev/null | cut -c1-64 || shasum -a 256 package-lock.json | cut -c1-64)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
else
  say "dependencies up to date"
fi

# 3. Build (tsc is incremental in effect: same sources give the same output).
say "building"
npm run --silent build

# 4. Folders, config (with the library), API token.
setup_args=()
[ -n "$library" ] && setup_args+=(--library "$library")
"$root/bin/rawlight" setup "${setup_args[@]}"

# 5. Models: download what is missing (sha256 and size checked). RAWLIGHT_MODELS points at a
#    folder instead. Offline, this says what is missing and the passes that need it wait.
if [ "$models" = 1 ] && [ -z "${RAWLIGHT_MODELS:-}" ] && [ -f "$root/scripts/fetch-models.mjs" ]; then
  node "$root/scripts/fetch-models.mjs" || say "models: could not fetch everything now; 'rawlight doctor' says what is missing"
fi

# 6. `rawlight` on the user's PATH.
mkdir -p "$HOME/.local/bin"
if [ "$(readlink "$HOME/.local/bin/rawlight" 2>/dev/null)" != "$root/bin/rawlight" ]; then
  ln -sf "$root/bin/rawlight" "$HOME/.local/bin/rawlight"
  say "linked ~/.local/bin/rawlight"
fi
case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) say "add ~/.local/bin to your PATH to run 'rawlight' directly" ;; esac

# 7. Start. Every way out ends with the sign-in URL (the page needs it: only the signed-in user gets in).
signin() { say "open the status page, signed in: rawlight open  (or this URL: $("$root/bin/rawlight" open --print 2>/dev/null))"; }
if [ "$start" = 0 ]; then
  say "installed (not started: --no-start). Start with: rawlight run"
  signin
  exit 0
fi
if [ "$agent" = 1 ] && "$root/bin/rawlight" agent install >/dev/null 2>&1; then
  "$root/bin/rawlight" agent status || true
  say "rawlight runs as a login agent"
  signin
  exit 0
fi
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
info=$("$root/bin/rawlight" setup --json)
if [ "$(echo "$info" | field running)" = true ]; then
  say "rawlight is already running"
  signin
  exit 0
fi
logdir=$(echo "$info" | field logsDir)
nohup "$root/bin/rawlight" run >>"$logdir/daemon.out" 2>&1 &
say "started 'rawlight run' in the background (pid $!; no launchd/systemd agent: it will not restart at login). Logs: $logdir"
signin
