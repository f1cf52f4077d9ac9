# shellcheck shell=bash
# The local BigQuery engine (bqemulator) as sourceable functions.
#
#   source "${ROOT}/scripts/lib/engine.sh"
#   engine_start            # exports LANDFALL_BQ_ENDPOINT / LANDFALL_BQ_PROJECT
#   trap engine_stop EXIT
#
# Environment:
#   LANDFALL_VENV          virtualenv of the engine (default <repo>/.venv)
#   LANDFALL_PYTHON        interpreter that creates the venv (default python3)
#   LANDFALL_ENGINE_DIR    state and log folder (default <repo>/.engine); give each
#                          concurrent engine its own
#   LANDFALL_ENGINE_TIMEOUT  seconds to wait for readiness (default 90)
#   BQEMU_GCS_LOCAL_ROOT   passed through: the folder gs:// URIs of load jobs map to
#
# The caller sets errexit/nounset/pipefail; these functions return non-zero on error.

ENGINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/../.. && pwd -P)"
readonly ENGINE_ROOT
readonly ENGINE_PROJECT="landfall-local"
readonly ENGINE_HOST="127.0.0.1"
# Ready when the REST API lists datasets (the first call every client makes).
readonly ENGINE_READY_PATH="/bigquery/v2/projects/${ENGINE_PROJECT}/datasets"
readonly ENGINE_REQUIREMENTS="${ENGINE_ROOT}/engine/requirements.txt"

engine::err() {
  echo "engine: $*" >&2
}

engine::venv() {
  echo "${LANDFALL_VENV:-${ENGINE_ROOT}/.venv}"
}

engine::state_dir() {
  echo "${LANDFALL_ENGINE_DIR:-${ENGINE_ROOT}/.engine}"
}

engine::state_file() {
  echo "$(engine::state_dir)/engine.state"
}

# Prints the value of KEY from the state file (empty if absent).
engine::state_get() {
  local key="$1" file
  file="$(engine::state_file)"
  [[ -f "${file}" ]] || return 0
  local k v
  while IFS='=' read -r k v; do
    if [[ "${k}" == "${key}" ]]; then
      echo "${v}"
      return 0
    fi
  done <"${file}"
}

engine::pid_alive() {
  local pid="$1"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null
}

# Makes DuckDB's spatial extension loadable offline: bqemulator runs
# `INSTALL spatial; LOAD spatial` at boot, and INSTALL is a no-op only when the
# extension is already in DuckDB's extension folder (~/.duckdb/extensions/...).
# The duckdb-extension-spatial wheel ships the binary; install it from there.
engine::install_spatial() {
  local venv="$1"
  "${venv}/bin/python" - <<'PY'
import pathlib
import duckdb
import duckdb_extension_spatial

con = duckdb.connect()
installed = con.execute(
    "SELECT installed FROM duckdb_extensions() WHERE extension_name = 'spatial'"
).fetchone()
if not (installed and installed[0]):
    binary = (
        pathlib.Path(duckdb_extension_spatial.__file__).parent
        / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    )
    con.execute("INSTALL '{}'".format(str(binary).replace("'", "''")))
PY
}

# Creates the venv if missing and installs the pinned engine. Quick when the
# stamp (hash of the requirements file) matches.
engine_install() {
  local venv python stamp want have
  venv="$(engine::venv)"
  python="${LANDFALL_PYTHON:-python3}"
  stamp="${venv}/.landfall-engine-requirements.sha256"
  want="$(sha256sum "${ENGINE_REQUIREMENTS}" | cut -d' ' -f1)"
  if [[ ! -x "${venv}/bin/python" ]]; then
    echo "engine: creating virtualenv ${venv}" >&2
    if ! "${python}" -m venv "${venv}"; then
      engine::err "cannot create a venv with ${python}"
      return 1
    fi
  fi
  have="$(cat "${stamp}" 2>/dev/null || true)"
  if [[ "${have}" != "${want}" ]]; then
    echo "engine: installing ${ENGINE_REQUIREMENTS#"${ENGINE_ROOT}/"} into ${venv}" >&2
    if ! "${venv}/bin/pip" install --quiet --disable-pip-version-check \
      -r "${ENGINE_REQUIREMENTS}"; then
      engine::err "pip install failed"
      return 1
    fi
    echo "${want}" >"${stamp}"
  fi
  if ! engine::install_spatial "${venv}"; then
    engine::err "cannot install the DuckDB spatial extension"
    return 1
  fi
}

engine::log_tail() {
  local log="$1"
  echo "---- last lines of ${log} ----" >&2
  tail -n 30 "${log}" >&2 || true
}

# Prints the port bqemulator logged for EVENT (rest.listen or grpc.listen).
engine::logged_port() {
  local log="$1" event="$2"
  [[ -f "${log}" ]] || return 0
  local pattern=".*\"port\": \([0-9][0-9]*\), \"event\": \"${event}\".*"
  sed -n "s/${pattern}/\1/p" "${log}" | head -n 1
}

# Starts the engine in the background and waits until its REST API answers.
# Usage: engine_start [--data-dir DIR]   (DIR: persistent state; default ephemeral)
engine_start() {
  local data_dir=""
  while (($# > 0)); do
    case "$1" in
      --data-dir)
        [[ $# -ge 2 ]] || { engine::err "--data-dir needs a value"; return 1; }
        data_dir="$2"
        shift 2
        ;;
      *)
        engine::err "unknown start option: $1"
        return 1
        ;;
    esac
  done

  local state_dir pid
  state_dir="$(engine::state_dir)"
  pid="$(engine::state_get ENGINE_PID)"
  if engine::pid_alive "${pid}"; then
    engine::err "already running (pid ${pid}, $(engine::state_get LANDFALL_BQ_ENDPOINT));" \
      "stop it first or set LANDFALL_ENGINE_DIR"
    return 1
  fi
  engine_install || return 1
  mkdir -p "${state_dir}"
  rm -f "$(engine::state_file)"

  local venv log
  venv="$(engine::venv)"
  log="${state_dir}/bqemulator.log"
  # Remove the previous log first: the ports are read from it.
  rm -f "${log}"
  local -a args=(start --rest-host "${ENGINE_HOST}" --rest-port 0
    --grpc-host "${ENGINE_HOST}" --grpc-port 0 --project "${ENGINE_PROJECT}"
    --log-level info --log-format json)
  if [[ -n "${data_dir}" ]]; then
    if ! mkdir -p "${data_dir}" 2>/dev/null; then
      engine::err "cannot create data dir ${data_dir}"
      return 1
    fi
    data_dir="$(cd "${data_dir}" && pwd -P)"
    args+=(--persistent --data-dir "${data_dir}")
  else
    args+=(--ephemeral)
  fi

  # Port 0: the OS picks free ports and bqemulator logs them (no race with a
  # port probed first). Format extensions off: they would download Avro from the
  # DuckDB repository. bqemulator_patched.py runs the bqemulator CLI with fixes
  # for BigQuery SQL it gets wrong (see engine/README.md).
  BQEMU_ENABLE_FORMAT_EXTENSIONS=false setsid "${venv}/bin/python" \
    "${ENGINE_ROOT}/engine/bqemulator_patched.py" "${args[@]}" \
    </dev/null >"${log}" 2>&1 &
  pid=$!

  local timeout="${LANDFALL_ENGINE_TIMEOUT:-90}" start_s rest_port="" grpc_port=""
  local datasets_url
  start_s="${SECONDS}"
  while :; do
    if ! engine::pid_alive "${pid}"; then
      engine::err "bqemulator exited during startup"
      engine::log_tail "${log}"
      return 1
    fi
    if [[ -z "${rest_port}" ]]; then
      rest_port="$(engine::logged_port "${log}" rest.listen)"
    fi
    datasets_url="http://${ENGINE_HOST}:${rest_port}${ENGINE_READY_PATH}"
    if [[ -n "${rest_port}" ]] \
      && curl --silent --fail --max-time 2 --output /dev/null "${datasets_url}"; then
      grpc_port="$(engine::logged_port "${log}" grpc.listen)"
      [[ -n "${grpc_port}" ]] && break
    fi
    if ((SECONDS - start_s >= timeout)); then
      engine::err "not ready after ${timeout}s (pid ${pid}); stopping it"
      engine::log_tail "${log}"
      kill "${pid}" 2>/dev/null || true
      return 1
    fi
    sleep 0.2
  done

  local endpoint="http://${ENGINE_HOST}:${rest_port}" took=$((SECONDS - start_s))
  {
    echo "ENGINE_PID=${pid}"
    echo "ENGINE_LOG=${log}"
    echo "ENGINE_DATA_DIR=${data_dir}"
    echo "LANDFALL_BQ_ENDPOINT=${endpoint}"
    echo "LANDFALL_BQ_PROJECT=${ENGINE_PROJECT}"
    echo "LANDFALL_BQ_GRPC_ENDPOINT=${ENGINE_HOST}:${grpc_port}"
  } >"$(engine::state_file)"
  export LANDFALL_BQ_ENDPOINT="${endpoint}"
  export LANDFALL_BQ_PROJECT="${ENGINE_PROJECT}"
  echo "engine: ready at ${endpoint} (pid ${pid}, ${took}s, ${data_dir:-ephemeral})" >&2
}

# Stops the engine recorded in the state folder (no-op if none is running).
engine_stop() {
  local pid i
  pid="$(engine::state_get ENGINE_PID)"
  if engine::pid_alive "${pid}"; then
    kill "${pid}" 2>/dev/null || true
    # SIGTERM lets DuckDB close (and flush a persistent data dir) cleanly.
    for ((i = 0; i < 50; i++)); do
      engine::pid_alive "${pid}" || break
      sleep 0.2
    done
    if engine::pid_alive "${pid}"; then
      engine::err "pid ${pid} ignored SIGTERM; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    echo "engine: stopped (pid ${pid})" >&2
  fi
  rm -f "$(engine::state_file)"
}

# Prints "running <endpoint> pid <pid>" and returns 0, or "stopped" and returns 1.
engine_status() {
  local pid
  pid="$(engine::state_get ENGINE_PID)"
  if engine::pid_alive "${pid}"; then
    local data_dir
    data_dir="$(engine::state_get ENGINE_DATA_DIR)"
    echo "running $(engine::state_get LANDFALL_BQ_ENDPOINT)" \
      "pid ${pid} data ${data_dir:-ephemeral}"
    return 0
  fi
  echo "stopped"
  return 1
}

# Prints the client settings of the running engine as KEY=value lines.
engine_env() {
  local pid
  pid="$(engine::state_get ENGINE_PID)"
  if ! engine::pid_alive "${pid}"; then
    engine::err "not running (start it with scripts/engine.sh start)"
    return 1
  fi
  echo "LANDFALL_BQ_ENDPOINT=$(engine::state_get LANDFALL_BQ_ENDPOINT)"
  echo "LANDFALL_BQ_PROJECT=$(engine::state_get LANDFALL_BQ_PROJECT)"
  echo "LANDFALL_BQ_GRPC_ENDPOINT=$(engine::state_get LANDFALL_BQ_GRPC_ENDPOINT)"
}
