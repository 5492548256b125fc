#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster on 127.0.0.1 and create the test role and database (idempotent).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='privproxy'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE privproxy LOGIN PASSWORD 'privproxy'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='privproxy_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O privproxy privproxy_test"
# Trust loopback connections for the test role only.
hba=$(su postgres -c "psql -qtAc 'SHOW hba_file'")
if ! grep -q "privproxy_test" "$hba"; then
  sed -i "1i host privproxy_test privproxy 127.0.0.1/32 trust" "$hba"
  su postgres -c "psql -qtAc 'SELECT pg_reload_conf()'" >/dev/null
fi
