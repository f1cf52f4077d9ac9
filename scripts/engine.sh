#!/usr/bin/env bash
# Installs, starts and stops the local BigQuery engine (bqemulator) that the
# demo and the tests run against. See engine/README.md.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT
# shellcheck source-path=SCRIPTDIR source=lib/engine.sh
source "${ROOT}/scripts/lib/engine.sh"

err() {
  echo "engine.sh: $*" >&2
}

usage() {
  cat <<'EOF'
Usage: scripts/engine.sh COMMAND [OPTIONS]

Commands:
  install                  create the venv (LANDFALL_VENV, default .venv) and
                           install the pinned engine; quick when up to date
  start [--data-dir DIR]   start on free 127.0.0.1 ports and wait until ready;
                           ephemeral unless DIR is given (then state persists)
  stop                     stop the running engine
  status                   print whether it runs (exit 1 when stopped)
  env                      print LANDFALL_BQ_ENDPOINT=... and LANDFALL_BQ_PROJECT=...
                           e.g.  set -a; eval "$(scripts/engine.sh env)"; set +a

Environment: LANDFALL_VENV, LANDFALL_PYTHON, LANDFALL_ENGINE_DIR (state folder,
default .engine), LANDFALL_ENGINE_TIMEOUT (seconds), BQEMU_GCS_LOCAL_ROOT.
EOF
}

main() {
  if (($# == 0)); then
    usage >&2
    exit 2
  fi
  local command="$1"
  shift
  case "${command}" in
    install) (($# == 0)) || { err "install takes no options"; exit 2; }; engine_install ;;
    start) engine_start "$@" ;;
    stop) engine_stop ;;
    status) engine_status ;;
    env) engine_env ;;
    -h | --help | help) usage ;;
    *)
      err "unknown command: ${command}"
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
