#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test run: sourced by
# .ci/run (and usable by hand: `source .ci/pg.sh; pg_start; …; pg_stop`).
# The cluster lives in a temporary directory owned by the `postgres` user,
# listens on 127.0.0.1 only at a free port, trusts local connections there
# (nothing else can reach it), and is stopped and removed by `pg_stop`.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_start() {
  local bin port
  bin=$(pg_bin) || { echo "pg.sh: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; return 1; }
  PG_TMP=$(mktemp -d /tmp/vmd-pg.XXXXXX)
  chown postgres: "$PG_TMP"
  # A free port: ask the kernel for one, then let PostgreSQL take it.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$bin/initdb" -D "$PG_TMP/data" -U postgres -A trust \
    --no-instructions -E UTF8 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; return 1; }
  PG_PID=$(head -1 "$PG_TMP/data/postmaster.pid")
  PG_BINDIR=$bin
  export VM_DOCTOR_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
  echo "pg.sh: PostgreSQL (pid $PG_PID) on 127.0.0.1:$port for the tests"
}

pg_stop() {
  [ -n "${PG_TMP:-}" ] || return 0
  if [ -n "${PG_PID:-}" ] && kill -0 "$PG_PID" 2>/dev/null; then
    runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || kill -9 "$PG_PID" 2>/dev/null || true
  fi
  rm -rf "$PG_TMP"
  PG_TMP=
}
