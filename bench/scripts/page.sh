#!/usr/bin/env bash
# The player page's figures (bench/scripts/page.mjs): starts backend/target/packetwalk.jar on a port, waits for it,
# runs the headless-Chromium measurement against /scenarios/<id> RUNS times, then stops that server (by its PID).
# Build first:  ./mvnw -B -DskipTests package
#
# usage: bench/scripts/page.sh [scenario-id] [runs] [port]      (default pod-to-service 3 18081)
set -euo pipefail
cd "$(dirname "$0")/../.."
id=${1:-pod-to-service}
runs=${2:-3}
port=${3:-18081}
. bench/scripts/common.sh
require_jar_and_free_port "$port"
log=$(mktemp)
"$java" -jar "$jar" --server.port="$port" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/api/scenarios"; do
	kill -0 "$pid" 2>/dev/null || { echo "the server exited:"; cat "$log"; exit 1; }
	sleep 0.1
done
# what the server sends for each kind of resource (gzip for text, never for event streams)
for path in "/scenarios/$id" /css/app.css /js/main.js "/api/scenarios/$id/trace"; do
	curl -s -o /dev/null -H 'Accept-Encoding: gzip' \
		-w "$path: %{http_code} %{content_type}, %{size_download} bytes on the wire, gzip: " "http://127.0.0.1:$port$path"
	curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$path" | grep -qi '^content-encoding: gzip' \
		&& echo yes || echo no
done
printf '/api/scenarios/%s/events: ' "$id"
curl -s -D - -o /dev/null -m 1 -H 'Accept-Encoding: gzip' -H 'Accept: text/event-stream' \
	"http://127.0.0.1:$port/api/scenarios/$id/events" | grep -i '^content-encoding' || echo "not compressed"
node --experimental-websocket bench/scripts/page.mjs "http://localhost:$port/scenarios/$id" "$runs"
