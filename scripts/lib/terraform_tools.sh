# shellcheck shell=bash
#
# Terraform tooling for landfall, sourced by scripts/terraform_check.sh (and any
# script that runs Terraform). Defines functions and constants only.
#
# The Terraform provider registry is not reachable from our machines, so the
# Google provider is built from source through the Go module proxy and kept in a
# cache outside the repository, laid out as a provider mirror that `terraform
# init` reads. Terraform itself is used from PATH; when it is missing OpenTofu is
# built the same way (it reads the same HCL and the same mirror).

readonly TF_TOOLS_MIN_VERSION="1.7.0" # mock_provider in `terraform test` needs 1.7

readonly GOOGLE_PROVIDER_VERSION="8.0.0"
readonly GOOGLE_PROVIDER_MODULE="github.com/hashicorp/terraform-provider-google"
# The provider's module path has no /v8 suffix, so the Go proxy cannot serve its
# v2+ tags; it serves this pseudo-version: commit f3721fb45fa3, two days after the
# v8.0.0 tag (its CHANGELOG tops out at 8.0.0).
readonly GOOGLE_PROVIDER_GO_VERSION="v1.20.1-0.20260828184646-f3721fb45fa3"

readonly OPENTOFU_MODULE="github.com/opentofu/opentofu"
readonly OPENTOFU_GO_VERSION="v1.10.6"

tf_tools::err() {
  echo "terraform_tools: $*" >&2
}

tf_tools::log() {
  echo "terraform_tools: $*" >&2
}

# Cache root, outside git: reused across runs and worktrees.
tf_tools::cache_dir() {
  echo "${LANDFALL_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/landfall}"
}

tf_tools::plugin_dir() {
  echo "$(tf_tools::cache_dir)/terraform-providers"
}

tf_tools::platform() {
  echo "$(go env GOOS)_$(go env GOARCH)"
}

# True when version $1 >= version $2.
tf_tools::version_ge() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# Builds a Go command into the cache with `go install`, atomically (a concurrent
# run never sees half a binary). Args: module@version, ldflags, destination file.
tf_tools::go_build() {
  local -r target="$1" ldflags="$2" dest="$3"
  local tmp_bin started
  if ! command -v go >/dev/null 2>&1; then
    tf_tools::err "go is needed to build ${target} (the provider registry is unreachable)"
    return 1
  fi
  tmp_bin="$(mktemp -d "$(tf_tools::cache_dir)/gobin.XXXXXX")"
  started="${SECONDS}"
  tf_tools::log "building ${target} (a few minutes on a cold Go cache)"
  # nice: the build machines are small and shared; -trimpath keeps paths out of
  # the binary; -s -w drops debug info (a third of the size and link time).
  if ! nice -n 10 env GOBIN="${tmp_bin}" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
    go install -trimpath -ldflags="${ldflags}" "${target}"; then
    rm -rf "${tmp_bin}"
    tf_tools::err "building ${target} failed"
    return 1
  fi
  mkdir -p "$(dirname "${dest}")"
  mv "${tmp_bin}"/* "${dest}"
  rm -rf "${tmp_bin}"
  tf_tools::log "built ${dest##*/} in $((SECONDS - started)) s"
}

# The Terraform CLI to run: set by tf_tools::ensure_terraform.
# shellcheck disable=SC2034 # read by the scripts that source this file
TERRAFORM_BIN="${TERRAFORM_BIN:-}"
# <registry host>/hashicorp/google: set by tf_tools::ensure_google_provider.
GOOGLE_PROVIDER_ADDRESS=""

# Builds OpenTofu into $1. Not `go install`: its go.mod replaces hcl with
# OpenTofu's fork, which only a build inside the module honours.
tf_tools::build_opentofu() {
  local -r dest="$1"
  local work module_dir started
  work="$(mktemp -d "$(tf_tools::cache_dir)/tofu-src.XXXXXX")"
  started="${SECONDS}"
  tf_tools::log "terraform not found: building OpenTofu ${OPENTOFU_GO_VERSION} from source (several minutes)"
  module_dir="$(cd "${work}" && go mod download -json "${OPENTOFU_MODULE}@${OPENTOFU_GO_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [[ -z "${module_dir}" ]]; then
    tf_tools::err "could not download ${OPENTOFU_MODULE}@${OPENTOFU_GO_VERSION}"
    rm -rf "${work}"
    return 1
  fi
  cp -R "${module_dir}/." "${work}/src"
  chmod -R u+w "${work}/src"
  mkdir -p "$(dirname "${dest}")"
  if ! (cd "${work}/src" && nice -n 10 env GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
    go build -trimpath -ldflags="-s -w -X ${OPENTOFU_MODULE}/version.dev=no" -o "${work}/tofu" ./cmd/tofu); then
    tf_tools::err "building OpenTofu failed"
    rm -rf "${work}"
    return 1
  fi
  mv "${work}/tofu" "${dest}"
  rm -rf "${work}"
  tf_tools::log "built OpenTofu in $((SECONDS - started)) s"
}

# Sets TERRAFORM_BIN to a Terraform >= TF_TOOLS_MIN_VERSION from PATH, else to
# OpenTofu from PATH, else to OpenTofu built into the cache.
tf_tools::ensure_terraform() {
  local version tofu
  if command -v terraform >/dev/null 2>&1; then
    version="$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
    if tf_tools::version_ge "${version}" "${TF_TOOLS_MIN_VERSION}"; then
      TERRAFORM_BIN="$(command -v terraform)"
      return 0
    fi
    tf_tools::log "terraform ${version} is older than ${TF_TOOLS_MIN_VERSION}; using OpenTofu"
  fi
  if command -v tofu >/dev/null 2>&1; then
    TERRAFORM_BIN="$(command -v tofu)"
    return 0
  fi
  tofu="$(tf_tools::cache_dir)/bin/tofu-${OPENTOFU_GO_VERSION}"
  if [[ ! -x "${tofu}" ]]; then
    tf_tools::build_opentofu "${tofu}" || return 1
  fi
  TERRAFORM_BIN="${tofu}"
}

# The registry host the CLI names hashicorp/google with (Terraform and OpenTofu
# differ), asked from the CLI itself rather than written down here.
tf_tools::provider_host() {
  local dir host
  dir="$(mktemp -d)"
  printf 'terraform {\n  required_providers {\n    google = { source = "hashicorp/google" }\n  }\n}\n' >"${dir}/main.tf"
  host="$(TF_CLI_CONFIG_FILE=/dev/null "${TERRAFORM_BIN}" -chdir="${dir}" providers -no-color 2>/dev/null |
    sed -n 's|.*provider\[\([^]/]*\)/hashicorp/google\].*|\1|p' | head -n1)"
  rm -rf "${dir}"
  if [[ -z "${host}" ]]; then
    tf_tools::err "could not ask ${TERRAFORM_BIN} for the provider's address"
    return 1
  fi
  echo "${host}"
}

# Builds the Google provider into the cache unless it is there, and links it
# into the mirror layout <host>/hashicorp/google/<version>/<platform>/.
tf_tools::ensure_google_provider() {
  local -r version="${GOOGLE_PROVIDER_VERSION}" platform="$(tf_tools::platform)"
  local -r name="terraform-provider-google_v${version}"
  local -r binary="$(tf_tools::cache_dir)/bin/${platform}/${name}"
  local host dir
  if [[ -x "${binary}" ]]; then
    tf_tools::log "google provider ${version}: cached (${binary})"
  else
    tf_tools::go_build "${GOOGLE_PROVIDER_MODULE}@${GOOGLE_PROVIDER_GO_VERSION}" \
      "-s -w -X ${GOOGLE_PROVIDER_MODULE}/version.ProviderVersion=${version}" "${binary}" || return 1
  fi
  host="$(tf_tools::provider_host)" || return 1
  dir="$(tf_tools::plugin_dir)/${host}/hashicorp/google/${version}/${platform}"
  mkdir -p "${dir}"
  ln -sf "${binary}" "${dir}/${name}"
  GOOGLE_PROVIDER_ADDRESS="${host}/hashicorp/google"
}

# Writes a CLI config that installs hashicorp/google from the mirror only, and
# exports TF_CLI_CONFIG_FILE so that plain `terraform init` works offline.
tf_tools::use_provider_mirror() {
  local -r rc="$(tf_tools::cache_dir)/terraformrc"
  mkdir -p "$(tf_tools::cache_dir)"
  cat >"${rc}" <<EOF
# Written by scripts/lib/terraform_tools.sh: providers from the local mirror.
provider_installation {
  filesystem_mirror {
    path    = "$(tf_tools::plugin_dir)"
    include = ["${GOOGLE_PROVIDER_ADDRESS}"]
  }
  direct {
    exclude = ["${GOOGLE_PROVIDER_ADDRESS}"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE="${rc}"
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
}

# Everything a Terraform command here needs: the CLI, the provider, the mirror.
tf_tools::setup() {
  tf_tools::ensure_terraform || return 1
  tf_tools::ensure_google_provider || return 1
  tf_tools::use_provider_mirror
}
