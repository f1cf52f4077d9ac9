#!/usr/bin/env bash
# Fails when a tracked file looks like a credential: service-account and user
# credential files, private keys, cloud access tokens and API keys, and files
# that hold secrets by nature (key stores, Terraform state, .env). Checks what
# git tracks, so build output and local caches do not count.
set -o errexit -o nounset -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")"/.. && pwd -P)"
readonly ROOT
readonly PATTERNS=(
  # Google service-account keys and gcloud/ADC user credentials (JSON files).
  '"type": *"(service_account|authorized_user|external_account)"'
  '"private_key_id": *"[0-9a-f]{20,}"'
  '"(client_secret|refresh_token)": *"[^"]{10,}"'
  'GOCSPX-[0-9A-Za-z_-]{20,}'
  # Private keys of any kind (PEM, OpenSSH, PGP).
  '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----'
  '-----BEGIN PGP PRIVATE KEY BLOCK-----'
  # Google API keys and OAuth access tokens.
  'AIza[0-9A-Za-z_-]{35}'
  'ya29\.[0-9A-Za-z_-]{20,}'
  # AWS access keys (long-lived and temporary) and secret keys.
  '(AKIA|ASIA)[0-9A-Z]{16}'
  'aws_secret_access_key *[=:] *[0-9A-Za-z/+]{40}'
  # GitHub and Slack tokens.
  'gh[pousr]_[0-9A-Za-z]{36}'
  'github_pat_[0-9A-Za-z_]{22,}'
  'xox[abposr]-[0-9A-Za-z-]{10,}'
)
# File names that are secrets whatever their content.
readonly SECRET_FILES='\.(pem|p12|pfx|key|jks|keystore|tfstate|tfstate\.backup)$|(^|/)(credentials|application_default_credentials)\.json$|-key\.json$|(^|/)\.env$|(^|/)id_(rsa|dsa|ecdsa|ed25519)$'

main() {
  local pattern found=0
  cd "${ROOT}"
  for pattern in "${PATTERNS[@]}"; do
    # The pattern list itself is the one file allowed to spell them.
    if git grep -nIE -e "${pattern}" -- ':!scripts/check_secrets.sh'; then
      found=1
    fi
  done
  if git ls-files | grep -E "${SECRET_FILES}"; then
    found=1
  fi
  if ((found)); then
    echo "check_secrets: credentials found in tracked files (above)" >&2
    return 1
  fi
  echo "check_secrets: no credentials in $(git ls-files | wc -l) tracked files"
}

main "$@"
