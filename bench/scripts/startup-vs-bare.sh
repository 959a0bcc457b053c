#!/usr/bin/env bash
# PacketWalk's startup against its floor, in one run: backend/target/packetwalk.jar and the bare Spring Boot WebFlux
# jar bench/bare-webflux/target/bare-webflux.jar (same server starters, nothing of PacketWalk's), started in turn on
# the same port. For each start: the time from launch to the first 200 of /actuator/health/liveness, of
# GET /api/scenarios and of /actuator/health/readiness (polled every 10 ms), the CPU time the process had used when
# GET /api/scenarios first answered (user + system, from /proc/PID/stat: on a shared machine it grows far less with the
# load than the wall time does), and the resident memory 3 s after readiness with no traffic (idle RSS, VmRSS). RUNS
# starts of each, alternating; the medians and the ratios at the end.
# Build first:  ./mvnw -B -q -DskipTests package
#
# With BEFORE_JAR=path (e.g. a copy of the jar built before a change), each run also starts that jar, as "before",
# so a change is measured against its own baseline and the bare jar in the same run.
#
# usage: [BEFORE_JAR=old.jar] bench/scripts/startup-vs-bare.sh [runs] [port] [extra JVM options for all...]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
port=${2:-18081}
shift $(( $# > 2 ? 2 : $# ))
jvm_opts=("$@")
. bench/scripts/common.sh
bare=bench/bare-webflux/target/bare-webflux.jar
[ -f "$bare" ] || { echo "no $bare: run ./mvnw -B -q -DskipTests package first" >&2; exit 2; }
require_jar_and_free_port "$port"
log=$(mktemp)
results=$(mktemp)
trap 'rm -f "$log" "$results"' EXIT

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
ticks=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$ticks" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"; }

# usage: wait_for URL START PID -> prints ms since START when URL first answers 200
wait_for() {
	local code=000
	while [ "$code" != 200 ]; do
		if ! kill -0 "$3" 2>/dev/null; then echo "the server exited:" >&2; cat "$log" >&2; exit 1; fi
		code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
		[ "$code" = 200 ] || sleep 0.01
	done
	ms_since "$2"
}

one() { # name jar
	local start pid live first cpu ready rss
	start=$(date +%s%N)
	"$java" "${jvm_opts[@]}" -jar "$2" --server.port="$port" >"$log" 2>&1 &
	pid=$!
	live=$(wait_for "http://127.0.0.1:$port/actuator/health/liveness" "$start" "$pid")
	first=$(wait_for "http://127.0.0.1:$port/api/scenarios" "$start" "$pid")
	cpu=$(cpu_ms "$pid")
	ready=$(wait_for "http://127.0.0.1:$port/actuator/health/readiness" "$start" "$pid")
	sleep 3
	rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "$1 liveness_ms=$live first_scenarios_ms=$first cpu_at_first_ms=$cpu readiness_ms=$ready idle_rss_mib=$rss load=$(cut -d' ' -f1 /proc/loadavg)"
	echo "$1 $live $first $ready $rss $cpu" >>"$results"
}

for i in $(seq 1 "$runs"); do
	one bare "$bare"
	if [ -n "${BEFORE_JAR:-}" ]; then one before "$BEFORE_JAR"; fi
	one packetwalk "$jar"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
col() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$results" | median; }
echo
printf '%-11s %12s %18s %16s %12s %14s\n' "median of $runs" liveness_ms first_scenarios_ms cpu_at_first_ms readiness_ms idle_rss_mib
for n in bare ${BEFORE_JAR:+before} packetwalk; do
	printf '%-11s %12s %18s %16s %12s %14s\n' "$n" "$(col $n 2)" "$(col $n 3)" "$(col $n 6)" "$(col $n 4)" "$(col $n 5)"
done
awk -v f1="$(col packetwalk 3)" -v f0="$(col bare 3)" -v r1="$(col packetwalk 4)" -v r0="$(col bare 4)" \
	-v c1="$(col packetwalk 6)" -v c0="$(col bare 6)" \
	'BEGIN { printf "first GET /api/scenarios: %.2fx bare (target <= 1.2x); readiness: %.2fx bare first response (target <= 2x); CPU time at the first response: %.2fx bare\n", f1 / f0, r1 / f0, c1 / c0 }'
if [ -n "${BEFORE_JAR:-}" ]; then
	awk -v f1="$(col before 3)" -v f0="$(col bare 3)" -v c1="$(col before 6)" -v c0="$(col bare 6)" \
		'BEGIN { printf "before: first GET /api/scenarios %.2fx bare; CPU time at the first response %.2fx bare\n", f1 / f0, c1 / c0 }'
fi
