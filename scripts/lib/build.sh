#!/usr/bin/env bash
# Sourceable: builds the shaded jar when it is missing or older than the sources.
#   source scripts/lib/build.sh
#   build_jar            # echoes the jar path
# Maven output goes to stderr so callers can capture the path.

BUILD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/../.. && pwd -P)"
readonly BUILD_ROOT
readonly LANDFALL_JAR="${BUILD_ROOT}/target/landfall-bundled.jar"

build::err() {
  echo "[$(date -u +%H:%M:%S)] build: $*" >&2
}

# Whether any source of the jar is newer than it.
build::stale() {
  [[ ! -f "${LANDFALL_JAR}" ]] && return 0
  [[ -n "$(find "${BUILD_ROOT}/pom.xml" "${BUILD_ROOT}/src/main" -newer "${LANDFALL_JAR}" -print -quit)" ]]
}

build_jar() {
  if build::stale; then
    command -v mvn > /dev/null || { build::err "Maven (mvn) and a Java 17 JDK are required"; return 1; }
    build::err "building ${LANDFALL_JAR##*/} (mvn package, first run downloads dependencies)"
    (cd "${BUILD_ROOT}" && mvn -B -q package -DskipTests >&2) || {
      build::err "mvn package failed"
      return 1
    }
  fi
  echo "${LANDFALL_JAR}"
}
