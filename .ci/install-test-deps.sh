#!/usr/bin/env bash
# Installs what the tests need: Debian's chromium and chromium-driver (browser tests), and the npm
# packages of package-lock.json (dclint and yaml for src/test/js/compose.test.js) into ./node_modules.
# Idempotent: apt does nothing but print versions when both are already there; npm ci reinstalls
# exactly the locked versions each time (a second or two from npm's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends chromium chromium-driver
fi

/usr/bin/chromium --version
/usr/bin/chromedriver --version

# Exactly package-lock.json, nothing else; no audit or funding requests, errors only.
npm ci --no-audit --no-fund --loglevel=error
echo "npm packages: dclint $(node -p "require('./node_modules/dclint/package.json').version")"
