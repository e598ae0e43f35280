#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when one is missing.
#   scripts/system-deps.sh test   BIND (named, named-checkzone), swaks with TLS, python3-venv: the integration tests
#   scripts/system-deps.sh demo   python3-venv and make only
# As root or with passwordless sudo it installs them (apt-get update once, then install); otherwise it
# stops at once and prints the one command that installs them.
set -euo pipefail

purpose="${1:-test}"

missing=()
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v make >/dev/null 2>&1 || missing+=(make)
if [ "$purpose" = test ]; then
  command -v named >/dev/null 2>&1 || missing+=(bind9)
  command -v named-checkzone >/dev/null 2>&1 || missing+=(bind9-utils)
  command -v swaks >/dev/null 2>&1 || missing+=(swaks)
  # swaks speaks TLS through Net::SSLeay, only a recommendation of its Debian package.
  perl -MNet::SSLeay -e 1 >/dev/null 2>&1 || missing+=(libnet-ssleay-perl)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Missing Debian packages for 'make $purpose': ${missing[*]}. Install them with:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing packages for 'make $purpose': ${missing[*]} (Debian names); install them with your package manager." >&2
  exit 1
fi

echo "==> installing Debian packages: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
