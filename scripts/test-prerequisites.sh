#!/usr/bin/env bash
# Runs before `npm test`: installs what the tests need beyond npm packages when it is missing, so that
# `npm ci && npm test` is enough on a fresh Debian machine: headless Chromium for the browser tests
# (Swagger UI, the report), curl for the test that runs the README's examples as written, the
# PostgreSQL server (initdb, pg_ctl) for the throwaway cluster the PostgreSQL store is tested on (Debian
# keeps those in /usr/lib/postgresql/<version>/bin), and pgbouncer, which the tests start in front of it
# in transaction mode (Debian keeps it in /usr/sbin).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${missing[*]}. Install them (Debian: sudo apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian for the tests..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

# The package may start and enable a system pgbouncer on port 6432; the tests start their own, so none is
# left running or starting at boot.
if [[ " ${missing[*]} " == *" pgbouncer "* ]]; then
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now pgbouncer >/dev/null 2>&1 || true
  else
    service pgbouncer stop >/dev/null 2>&1 || true
    update-rc.d pgbouncer disable >/dev/null 2>&1 || true
  fi
fi
