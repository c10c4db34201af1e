# e2e/lib/proxy.sh — a broker outage on demand: a `tansu proxy` in front of the stack's broker,
# stopped and started again while cdcctl talks to it. Sourced after preamble.sh by scripts that
# define `die` (a failure that shows cdcctl's stderr) and TMP. (Not executable.)
#
#   proxy_port           picks a free loopback port: sets PORT and PROXY (host:port)
#   start_proxy          starts the proxy on $PROXY (origin $CDCCTL_KAFKA_BROKERS) and waits until
#                        it listens; sets PROXY_PID. Its output goes to $TMP/proxy.log.
#   stop_proxy           stops it and waits until nothing accepts connections on $PROXY

proxy_port() {
  PORT=$(free_port $((29100 + RANDOM % 800)))
  PROXY=127.0.0.1:$PORT
}

start_proxy() {
  env -u LISTENER_URL -u ADVERTISED_LISTENER_URL -u ORIGIN_URL -u OTEL_EXPORTER_OTLP_ENDPOINT \
    "$CDCCTL_TANSU" proxy --listener-url "tcp://$PROXY" --advertised-listener-url "tcp://$PROXY" \
    --origin-url "tcp://$CDCCTL_KAFKA_BROKERS" >>"$TMP/proxy.log" 2>&1 &
  PROXY_PID=$!
  local deadline=$((SECONDS + 15))
  until port_busy "$PORT"; do
    kill -0 "$PROXY_PID" 2>/dev/null || { wait "$PROXY_PID" || true; PROXY_PID=; die "tansu proxy on $PROXY exited"; }
    [ "$SECONDS" -lt "$deadline" ] || die "tansu proxy is not listening on $PROXY after 15 s"
    sleep 0.1
  done
}

stop_proxy() {
  { kill "$PROXY_PID"; wait "$PROXY_PID" || true; } 2>/dev/null
  PROXY_PID=
  local deadline=$((SECONDS + 10))
  while port_busy "$PORT"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$PROXY still accepts connections after the proxy was stopped"
    sleep 0.1
  done
}
