#!/usr/bin/env bash
# Installs what the tests need: Debian's chromium and chromium-driver (browser tests), Debian's
# postgresql (server binaries for the throwaway clusters of LocalPostgres: the DataSource store's
# contract, WildFlyPostgresIT and the cluster tests), Debian's nginx (the cluster tests' load
# balancer), and the npm packages of package-lock.json (dclint and yaml for
# src/test/js/compose.test.js; the AsyncAPI parser, the OpenAPI schema validator and Ajv for
# src/test/js/api-docs.test.mjs) into ./node_modules.
# Idempotent: apt is not run at all when the packages are already there; npm ci reinstalls
# exactly the locked versions each time (a second or two from npm's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    packages+=(chromium chromium-driver)
fi
# The tests start their own clusters (initdb + pg_ctl as the package's postgres user when run as
# root); they need the binaries of /usr/lib/postgresql/<major>/bin, never the system's service.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null || ! id postgres > /dev/null 2>&1; then
    packages+=(postgresql)
fi

# The cluster tests put Debian's nginx in front of several servers as the load balancer (started
# by the tests with a configuration of their own, never as the system's service).
if [[ ! -x /usr/sbin/nginx ]]; then
    packages+=(nginx)
fi

if (( ${#packages[@]} > 0 )); then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo=(sudo)
    fi
    # Keep the packages' post-install scripts from starting the system's PostgreSQL and nginx services: a
    # policy-rc.d that refuses every start (101), only for this install and only if there is none.
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" > /dev/null
        "${sudo[@]}" chmod 755 "$policy"
        own_policy=true
        trap '"${sudo[@]}" rm -f "$policy"' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${packages[@]}"
    if [[ "$own_policy" == true ]]; then
        "${sudo[@]}" rm -f "$policy"
        trap - EXIT
    fi
fi

/usr/bin/chromium --version
/usr/bin/chromedriver --version
postgres_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$postgres_bin/postgres" --version
/usr/sbin/nginx -v

# Exactly package-lock.json, nothing else; no audit or funding requests, errors only.
npm ci --no-audit --no-fund --loglevel=error
echo "npm packages: dclint $(node -p "require('./node_modules/dclint/package.json').version")"
