#!/usr/bin/env bash
# Where a start's CPU goes, by thread: starts a jar, waits for the first 200 of GET /api/scenarios, then prints the
# CPU time (user + system, from /proc/PID/task/*/stat) of each group of live threads (names without their numbers:
# "C2 CompilerThre", "GC Thread", "java" = main, ...) and the whole process's; the difference is threads that have
# ended (the catalogue's warm-up pool shuts down when it is done). Run it for both jars, alternating.
# usage: bench/scripts/startup-threads.sh JAR PORT
#   e.g. bench/scripts/startup-threads.sh bench/bare-webflux/target/bare-webflux.jar 8227
#        bench/scripts/startup-threads.sh backend/target/packetwalk.jar 8227
set -euo pipefail
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$java" -jar "$1" --server.port="$2" >"$log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$2/api/scenarios"; do
	kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
	sleep 0.05
done
t=$(getconf CLK_TCK)
for f in /proc/"$pid"/task/*/stat; do sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1|\2/' "$f" 2>/dev/null || true; done |
	awk -F'|' -v t="$t" '{split($2, a, " "); n = $1; gsub(/[0-9#]+$/, "", n); c[n] += (a[12] + a[13]) * 1000 / t;
		tot += (a[12] + a[13]) * 1000 / t}
		END {for (k in c) if (c[k] >= 50) printf "%6d ms  %s\n", c[k], k; printf "%6d ms  (live threads)\n", tot}' |
	sort -rn
awk -v t="$t" '{printf "%6d ms  process, load %s\n", ($14 + $15) * 1000 / t, "'"$(cut -d' ' -f1 /proc/loadavg)"'"}' \
	"/proc/$pid/stat"
kill "$pid"
wait "$pid" 2>/dev/null || true
