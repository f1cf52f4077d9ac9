#!/usr/bin/env bash
# Fails when a tracked file looks like a credential: service-account keys,
# private keys, cloud access tokens. Checks what git tracks, so build output
# and local caches do not count.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT
readonly PATTERNS=(
  '"type": *"service_account"'
  '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----'
  'AIza[0-9A-Za-z_-]{35}'
  'ya29\.[0-9A-Za-z_-]{20,}'
  'AKIA[0-9A-Z]{16}'
  '"private_key_id": *"[0-9a-f]{20,}"'
)

main() {
  local pattern found=0
  cd "${ROOT}"
  for pattern in "${PATTERNS[@]}"; do
    # The pattern list itself is the one file allowed to spell them.
    if git grep -nIE -e "${pattern}" -- ':!scripts/check_secrets.sh'; then
      found=1
    fi
  done
  if git ls-files | grep -E '\.(pem|p12|key)$|(^|/)credentials\.json$|-key\.json$'; then
    found=1
  fi
  if ((found)); then
    echo "check_secrets: credentials found in tracked files (above)" >&2
    return 1
  fi
  echo "check_secrets: no credentials in $(git ls-files | wc -l) tracked files"
}

main "$@"
