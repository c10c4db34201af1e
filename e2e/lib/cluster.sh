# e2e/lib/cluster.sh — a throw-away PostgreSQL 15 cluster, for e2e scripts that need a server set
# up unlike the stack's (wal_level=replica, tiny WAL limits, roles, another system identifier).
# Sourced after preamble.sh. (Not executable, so scripts/test does not run it.)
#
#   require_cluster_tools                   fail unless initdb and pg_ctl are in $PGBIN
#   start_cluster DIR FIRST_PORT [INITDB_ARG…] [-- SERVER_OPTION…]
#       initdb DIR/data and start it on the first free loopback port from FIRST_PORT (`free_port`),
#       its socket in DIR, fsync off; SERVER_OPTIONs are `-c name=value` words. initdb refuses to
#       run as root, so as root the cluster belongs to the unprivileged user cdcctl (the one
#       scripts/stack uses). Sets CLUSTER_PORT and CLUSTER_URL (user postgres, trust).
#   stop_cluster                            stops it, if one was started (for the EXIT trap)
#   cluster_test_dir NAME                   TMP=/tmp/cdcctl-NAME.XXXXXX, enterable by the cluster's user;
#                                           on exit: kill -9 $PID (when set), stop the cluster, remove TMP
PGBIN=${CDCCTL_PG_BIN:-/usr/lib/postgresql/15/bin}
CLUSTER_DATA=
CLUSTER_AS=()

require_cluster_tools() {
  local tool
  for tool in initdb pg_ctl; do [ -x "$PGBIN/$tool" ] || fail "no $tool in $PGBIN"; done
}

start_cluster() {
  local dir=$1 port=$2 initdb_args=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do initdb_args+=("$1"); shift; done
  [ $# -eq 0 ] || shift
  if [ "$(id -u)" -eq 0 ]; then
    id -u cdcctl >/dev/null 2>&1 || useradd --system --no-create-home cdcctl
    CLUSTER_AS=(runuser -u cdcctl --)
    chown cdcctl: "$dir"
  fi
  port=$(free_port "$port")
  "${CLUSTER_AS[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -N "${initdb_args[@]}" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; fail "initdb failed"; }
  CLUSTER_DATA=$dir/data
  "${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" start -D "$CLUSTER_DATA" -w -t 15 -l "$dir/server.log" \
    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off $*" \
    >/dev/null || { cat "$dir/server.log" 2>/dev/null || true; fail "the throw-away server did not start on port $port"; }
  CLUSTER_PORT=$port
  CLUSTER_URL=postgresql://postgres@127.0.0.1:$port/postgres
}

stop_cluster() {
  [ -z "$CLUSTER_DATA" ] || "${CLUSTER_AS[@]}" "$PGBIN/pg_ctl" stop -D "$CLUSTER_DATA" -m immediate -w >/dev/null 2>&1 || true
}

cluster_test_dir() {
  TMP=$(mktemp -d "/tmp/cdcctl-$1.XXXXXX")
  chmod 755 "$TMP"   # the cluster runs as the unprivileged user cdcctl when we are root
  PID=
  trap cleanup_cluster_test EXIT
}

cleanup_cluster_test() {
  set +e
  [ -z "$PID" ] || { kill -9 "$PID"; wait "$PID"; } 2>/dev/null
  stop_cluster
  rm -rf "$TMP"
}
