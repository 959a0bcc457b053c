#!/usr/bin/env bash
# Startup to first HTTP response of the packaged application: starts backend/target/packetwalk.jar on a free port,
# polls GET /api/scenarios every 20 ms until it answers 200, prints the time since launch, and stops that process (by
# its PID). Repeats RUNS times (default 3). Build first:  ./mvnw -B -DskipTests package
#
# usage: bench/scripts/server-startup.sh [runs] [port]        (JAVA_HOME: a JDK 21+, e.g. Temurin 25)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
port=${2:-18081}
. bench/scripts/common.sh
require_jar_and_free_port "$port"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for i in $(seq 1 "$runs"); do
	start=$(date +%s%N)
	"$java" -jar "$jar" --server.port="$port" >"$log" 2>&1 &
	pid=$!
	code=000
	while [ "$code" != 200 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then echo "the server exited:"; cat "$log"; exit 1; fi
		code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/scenarios" || true)
		[ "$code" = 200 ] || sleep 0.02
	done
	end=$(date +%s%N)
	started=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' "$log" || echo "no 'Started' line")
	echo "run $i: first response after $(( (end - start) / 1000000 )) ms ($started)"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
done
