#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing (Debian's redis-server; a pinned helm
# under .tools/), then runs every test project. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (Debian package; the integration tests start their own instances)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
fi

.ci/install-helm.sh
export PATH="$PWD/.tools/bin:$PATH"

exec dotnet test AfmServing.sln "$@"
