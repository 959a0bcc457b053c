#!/usr/bin/env bash
# Live follow-along across replicas against one instance, in one run (docs/performance.md, "Live sessions across
# replicas"): SseLoadGenerator --mode live
#   1. against one instance with the memory store (the baseline), followers all on it;
#   2. against two instances sharing one Redis (packetwalk.live.store=redis), the presenter on the first, the
#      followers split between both.
# Each for N = FOLLOWERS (default 1000,5000), with its bare /bench/live/events sink alongside. Needs redis-server
# (Debian package redis-server), started here on a free loopback port and stopped by its PID, like the instances.
# Build first:  ./mvnw -B -q -DskipTests package
#
# usage: bench/scripts/live-replicas.sh [followers] [first port]     (uses first port .. first port + 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
followers=${1:-1000,5000}
p0=${2:-18083}
p1=$((p0 + 1))
p2=$((p0 + 2))
. bench/scripts/common.sh
for p in "$p0" "$p1" "$p2"; do require_jar_and_free_port "$p"; done
redis_bin=$(command -v redis-server || true)
[ -n "$redis_bin" ] || { echo "no redis-server (Debian: apt-get install redis-server)" >&2; exit 2; }
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
gen=(java -Xss512k backend/src/test/java/dev/packetwalk/loadgen/SseLoadGenerator.java --mode live --followers "$followers")

start() { # port log args...
	local port=$1 log=$2
	shift 2
	"$java" -jar "$jar" --server.port="$port" --packetwalk.bench.enabled=true "$@" >"$log" 2>&1 &
	pids+=($!)
	until curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null; do sleep 0.2; done
}
stop_apps() {
	local keep=()
	for pid in "${pids[@]}"; do
		if [ "$pid" = "${redis_pid:-}" ]; then keep+=("$pid"); else kill "$pid"; wait "$pid" 2>/dev/null || true; fi
	done
	pids=("${keep[@]}")
}

echo "# 1. one instance, memory store"
start "$p0" "$dir/memory.log"
"${gen[@]}" --base "http://127.0.0.1:$p0" | tee "$dir/memory.txt"
stop_apps

echo
echo "# 2. two instances, one Redis ($("$redis_bin" --version | cut -d' ' -f3)) on 127.0.0.1:$redis_port"
"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
redis_args=(--packetwalk.live.store=redis --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$redis_port")
start "$p1" "$dir/a.log" "${redis_args[@]}"
start "$p2" "$dir/b.log" "${redis_args[@]}"
"${gen[@]}" --base "http://127.0.0.1:$p1" --follower-bases "http://127.0.0.1:$p1,http://127.0.0.1:$p2" | tee "$dir/redis.txt"

echo
echo "# summary: /api/live/{code}/events, memory (one instance) vs redis (two instances)"
grep -h '^| /api/live' "$dir/memory.txt" | sed 's/^/memory: /'
grep -h '^| /api/live' "$dir/redis.txt" | sed 's/^/redis:  /'
