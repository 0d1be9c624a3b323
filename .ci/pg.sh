#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test run: sourced by
# .ci/run (and usable by hand: `source .ci/pg.sh; pg_start; …; pg_stop`).
# The cluster lives in a temporary directory owned by the `postgres` user,
# listens on 127.0.0.1 only at a free port, trusts local connections there
# (nothing else can reach it), and is stopped and removed by `pg_stop`.
# With openssl at hand it also speaks TLS with a certificate for
# `localhost` from a throwaway CA, exported as VM_DOCTOR_TEST_PG_CA (the
# sslmode tests); plain connections still work.

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
  chmod 755 "$PG_TMP"
  local tls_opts=""
  if command -v openssl >/dev/null && pg_tls "$PG_TMP/tls"; then
    tls_opts="-c ssl=on -c ssl_cert_file=$PG_TMP/tls/server.crt -c ssl_key_file=$PG_TMP/tls/server.key"
  fi
  # A free port: ask the kernel for one, then let PostgreSQL take it.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$bin/initdb" -D "$PG_TMP/data" -U postgres -A trust \
    --no-instructions -E UTF8 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  runuser -u postgres -- "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c max_connections=200 -c fsync=off $tls_opts" start >/dev/null \
    || { cat "$PG_TMP/server.log" >&2; return 1; }
  PG_PID=$(head -1 "$PG_TMP/data/postmaster.pid")
  PG_BINDIR=$bin
  export VM_DOCTOR_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
  if [ -n "$tls_opts" ]; then
    export VM_DOCTOR_TEST_PG_CA="$PG_TMP/tls/ca.crt"
  fi
  echo "pg.sh: PostgreSQL (pid $PG_PID) on 127.0.0.1:$port for the tests"
}

# A CA and a server certificate for DNS:localhost only (so connecting to
# 127.0.0.1 with verify-full must fail), readable by the server alone.
pg_tls() {
  local d=$1
  mkdir -p "$d" && (
    cd "$d" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3 \
      -subj "/CN=vm-doctor test CA" -keyout ca.key -out ca.crt \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj "/CN=localhost" -keyout server.key -out server.csr &&
    printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n' >ext.cnf &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3 \
      -extfile ext.cnf -out server.crt &&
    rm -f ca.key server.csr ext.cnf &&
    chown postgres: server.key server.crt && chmod 600 server.key
  ) >"$d/openssl.log" 2>&1
}

pg_stop() {
  [ -n "${PG_TMP:-}" ] || return 0
  if [ -n "${PG_PID:-}" ] && kill -0 "$PG_PID" 2>/dev/null; then
    runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || kill -9 "$PG_PID" 2>/dev/null || true
  fi
  rm -rf "$PG_TMP"
  unset VM_DOCTOR_TEST_PG_CA
  PG_TMP=
}
