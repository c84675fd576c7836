#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium and chromium-driver.
# Idempotent: does nothing but print versions when both are already there.
set -euo pipefail

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
