#!/usr/bin/env bash
# Sourceable: builds the shaded jar (and, for the benchmark, its own classes) when missing or
# older than the sources.
#   source scripts/lib/build.sh
#   build_jar            # echoes the jar path
#   build_bench          # echoes the benchmark's classpath (its classes, then the jar)
# Maven output goes to stderr so callers can capture the path.

BUILD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/../.. && pwd -P)"
readonly BUILD_ROOT
readonly LANDFALL_JAR="${BUILD_ROOT}/target/landfall-bundled.jar"
readonly BENCH_CLASSES="${BUILD_ROOT}/target/bench-classes"

build::err() {
  echo "[$(date -u +%H:%M:%S)] build: $*" >&2
}

# Whether any of the given sources is newer than the file $1 (or $1 is missing).
build::stale() {
  local target="$1"
  shift
  [[ ! -e "${target}" ]] && return 0
  [[ -n "$(find "$@" -newer "${target}" -print -quit)" ]]
}

# Fails when the product jar holds benchmark code: it ships in the template image, and the
# harness (src/bench/java) is not product code.
build::check_no_bench() {
  local jar="$1" leaked
  leaked="$(jar tf "${jar}" | grep -E '^dev/landfall/bench/|^dev/landfall/landing/BenchEntryPoint' | head -3 || true)"
  if [[ -n "${leaked}" ]]; then
    build::err "${jar##*/} contains benchmark classes (${leaked//$'\n'/, }): run mvn clean package"
    return 1
  fi
}

build_jar() {
  if build::stale "${LANDFALL_JAR}" "${BUILD_ROOT}/pom.xml" "${BUILD_ROOT}/src/main"; then
    command -v mvn > /dev/null || { build::err "Maven (mvn) and a Java 17 JDK are required"; return 1; }
    build::err "building ${LANDFALL_JAR##*/} (mvn package, first run downloads dependencies)"
    (cd "${BUILD_ROOT}" && mvn -B -q package -DskipTests >&2) || {
      build::err "mvn package failed"
      return 1
    }
  fi
  build::check_no_bench "${LANDFALL_JAR}" || return 1
  echo "${LANDFALL_JAR}"
}

# Compiles src/bench/java against the product jar into its own folder (never into the jar).
build_bench() {
  local jar
  jar="$(build_jar)" || return 1
  local stamp="${BENCH_CLASSES}/.built"
  if build::stale "${stamp}" "${BUILD_ROOT}/src/bench" "${jar}"; then
    build::err "compiling the benchmark (src/bench/java)"
    rm -rf "${BENCH_CLASSES}"
    mkdir -p "${BENCH_CLASSES}"
    local sources=()
    mapfile -t sources < <(find "${BUILD_ROOT}/src/bench/java" -name '*.java' | sort)
    javac --release 17 -encoding UTF-8 -nowarn -cp "${jar}" -d "${BENCH_CLASSES}" "${sources[@]}" >&2 || {
      build::err "compiling the benchmark failed"
      return 1
    }
    touch "${stamp}"
  fi
  echo "${BENCH_CLASSES}:${jar}"
}
