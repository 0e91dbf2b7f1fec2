#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL cluster for the store tests; print the export line.
#
#   eval "$(scripts/start_test_postgres.sh)"   # then run pytest
#
# Idempotent: a cluster already running in the data folder is reused on its port. Run as root
# (the server then runs as the `postgres` user) or as an ordinary user (it runs as you).
# The data folder, port and database can be changed with DASHBOARD_TEST_PG_DIR,
# DASHBOARD_TEST_PG_PORT (first port tried) and DASHBOARD_TEST_PG_DB.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DATA_DIR=${DASHBOARD_TEST_PG_DIR:-/tmp/dashboard-test-pg}
FIRST_PORT=${DASHBOARD_TEST_PG_PORT:-55432}
DB_NAME=${DASHBOARD_TEST_PG_DB:-dashboard_test}
SOCKET_DIR=/tmp

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if [ ! -s "$DATA_DIR/PG_VERSION" ]; then
    mkdir -p "$DATA_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DATA_DIR"; fi
    chmod 700 "$DATA_DIR"
    as_server_user "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres -A trust --no-sync >/dev/null
fi

if as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    PORT=$(sed -n 4p "$DATA_DIR/postmaster.pid")   # line 4 of postmaster.pid is the port
else
    PORT=$FIRST_PORT
    while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
    if ! as_server_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w \
            -o "-p $PORT -k $SOCKET_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
        tail -n 20 "$DATA_DIR/server.log" >&2
        exit 1
    fi
fi

psql_server() {
    as_server_user "$PG_BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres -tAq "$@"
}
if [ "$(psql_server -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    psql_server -c "CREATE DATABASE \"$DB_NAME\""
fi

echo "export DASHBOARD_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB_NAME"
