#!/usr/bin/env bash
# Shared helpers for the integration harness (sourced, not executed).
# Everything started here listens on a random free loopback port and is
# stopped by the caller's trap.

# free_port prints a TCP port that was free on 127.0.0.1 a moment ago.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [seconds]: wait until URL answers an HTTP request (any status).
wait_http() {
    /usr/bin/python3 - "$1" "${2:-20}" <<'PY'
import sys, time, urllib.request, urllib.error
url, deadline = sys.argv[1], time.time() + float(sys.argv[2])
while True:
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception as exc:  # not listening yet
        if time.time() > deadline:
            sys.exit("%s did not answer: %s" % (url, exc))
        time.sleep(0.1)
PY
}

# wait_tcp PORT [seconds]: wait until something accepts on 127.0.0.1:PORT.
wait_tcp() {
    /usr/bin/python3 - "$1" "${2:-20}" <<'PY'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError as exc:
        if time.time() > deadline:
            sys.exit("nothing listens on 127.0.0.1:%d: %s" % (port, exc))
        time.sleep(0.1)
PY
}

# start_emulator BINARY LOGFILE [extra flags...]: start the Kong emulator on a
# free loopback port; sets EMULATOR_PID and KONG_EMULATOR_URL.
start_emulator() {
    local bin=$1 log=$2 port
    shift 2
    port=$(free_port)
    "$bin" --listen "127.0.0.1:$port" "$@" >"$log" 2>&1 &
    EMULATOR_PID=$!
    KONG_EMULATOR_URL="http://127.0.0.1:$port"
    if ! wait_http "$KONG_EMULATOR_URL/" 20; then
        cat "$log" >&2
        return 1
    fi
}

# stop_emulator: stop the emulator started by start_emulator, if any.
stop_emulator() {
    if [ -n "${EMULATOR_PID:-}" ]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=
    fi
}
