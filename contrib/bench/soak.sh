#!/usr/bin/env bash
# Soak benchmark (issue 7; HARDENING.md promise 13): SOAK_SECONDS (600)
# of mixed load from wrk with soak.lua (reads, filters, .search,
# replaces, patches, creates and deletes) against a daemon on a temporary
# data dir. Reports the daemon's resident memory (VmRSS, with its anon
# and file parts, from /proc/PID/status) and open descriptors
# (/proc/PID/fd) before and after, and every REPORT_EVERY seconds.
#
# "start" is measured after WARMUP seconds of the same load (allocator
# arenas, LMDB pages and thread caches fill in the first seconds); both
# descriptor counts are taken with the server idle (no client
# connected). VmRSS is RssAnon (the heap, stacks: what a leak grows)
# plus RssFile, which is mostly the mapped LMDB file: it grows with the
# data, and every write adds an audit record, so the database, and with
# it RssFile, grows for the whole soak. The memory target therefore
# applies to RssAnon; VmRSS and the database size are reported beside
# it. Targets: under 2 MiB of RssAnon growth, no descriptor growth, no
# non-2xx answers. Exits 1 if a target is missed.
#
#   contrib/bench/soak.sh [path/to/scimcred]
#
# Environment: SOAK_SECONDS (600), WARMUP (30), REPORT_EVERY (60), N
# (2000 seeded credentials), CONNECTIONS (16), THREADS (1),
# SERVER_THREADS (nproc), PORT (18095), SCHEMAS (the checkout's
# scim-schemas/). Needs wrk and curl.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=${1:-${SCIMCRED_BIN:-$TOP/scimcred}}
SOAK_SECONDS=${SOAK_SECONDS:-600}
WARMUP=${WARMUP:-30}
REPORT_EVERY=${REPORT_EVERY:-60}
N=${N:-2000}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18095}
SCHEMAS=${SCHEMAS:-$TOP/scim-schemas}
RSS_LIMIT_KB=2048
TMP=$(mktemp -d /tmp/scimcred-soak.XXXXXX)
SERVER_PID=
WRK_PID=

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$WRK_PID" ] || kill "$WRK_PID" 2>/dev/null || true
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	[ "${KEEP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT

for tool in wrk curl; do
	command -v "$tool" >/dev/null || {
		echo "soak: $tool is required" >&2
		exit 1
	}
done

# kB of a /proc/PID/status field (VmRSS, RssAnon, RssFile).
status_kb() {
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"
}

fds() {
	find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# Waits until the server has no client connection left (wrk's are
# closing): the count must hold still for a second, up to 10 s, so
# descriptor counts compare like with like.
idle_fds() {
	local last=-1 n same=0
	for _ in $(seq 1 100); do
		n=$(fds)
		if [ "$n" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -lt 10 ] || break
		else
			same=0
		fi
		last=$n
		sleep 0.1
	done
	echo "$last"
}

sample() {
	printf '%-8s VmRSS %7d kB  RssAnon %7d kB  RssFile %7d kB  fds %4s\n' \
		"$1" "$(status_kb VmRSS)" "$(status_kb RssAnon)" \
		"$(status_kb RssFile)" "$2"
}

mkdir -p "$TMP/data"
"$BIN" serve --listen "127.0.0.1:$PORT" --data "$TMP/data" \
	--threads "$SERVER_THREADS" --schemas-dir "$SCHEMAS" \
	--log-level warn >"$TMP/server.out" 2>"$TMP/server.log" &
SERVER_PID=$!
TOKEN=
for _ in $(seq 1 100); do
	TOKEN=$(grep -m1 '^scimcred_' "$TMP/server.out" || true)
	[ -z "$TOKEN" ] || break
	sleep 0.1
done
[ -n "$TOKEN" ] || {
	echo "soak: the server printed no token" >&2
	cat "$TMP/server.log" >&2
	exit 1
}
export BENCH_TOKEN=$TOKEN BENCH_IDS="$TMP/ids.txt" BENCH_N="$N" \
	BENCH_TENANT=demo BENCH_DIR=$HERE
base="http://127.0.0.1:$PORT/scim/demo/v2"
"$HERE/seed.sh" "$base" "$TOKEN" "$N" "$BENCH_IDS" >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "soak: $N credentials seeded; ${WARMUP}s warm-up, then ${SOAK_SECONDS}s" \
	"with $CONNECTIONS connections, server threads $SERVER_THREADS"
fd_seeded=$(idle_fds)
sample seeded "$fd_seeded"

wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((WARMUP + SOAK_SECONDS))s" \
	--latency -s "$HERE/soak.lua" "$base" >"$TMP/wrk.txt" 2>&1 &
WRK_PID=$!
sleep "$WARMUP"
rss0=$(status_kb VmRSS)
anon0=$(status_kb RssAnon)
db0=$(du -sk "$TMP/data" | cut -f1)
sample start "$(fds)"
for ((t = REPORT_EVERY; t < SOAK_SECONDS; t += REPORT_EVERY)); do
	sleep "$REPORT_EVERY"
	sample "${t}s" "$(fds)"
done
wait "$WRK_PID" || true
WRK_PID=
rss1=$(status_kb VmRSS)
anon1=$(status_kb RssAnon)
fd_end=$(idle_fds)
sample end "$fd_end"
if [ "$fd_end" -gt "$fd_seeded" ] && command -v ss >/dev/null; then
	echo "connections on :$PORT still open:"
	ss -Htan "( sport = :$PORT )" | awk '{ print $1 }' | sort | uniq -c
fi

echo
grep -E 'Requests/sec|requests in|Non-2xx|Socket errors|  50%|  99%' \
	"$TMP/wrk.txt" || true
answers=$(grep '^soak answers:' "$TMP/wrk.txt" || echo "soak answers: ?")
echo "$answers"
db1=$(du -sk "$TMP/data" | cut -f1)
growth=$((anon1 - anon0))
echo
printf 'RssAnon %d kB -> %d kB: %+d kB (target < %d kB)\n' \
	"$anon0" "$anon1" "$growth" "$RSS_LIMIT_KB"
printf 'VmRSS   %d kB -> %d kB: %+d kB (with the mapped database)\n' \
	"$rss0" "$rss1" "$((rss1 - rss0))"
printf 'database %d kB -> %d kB: %+d kB\n' "$db0" "$db1" "$((db1 - db0))"
printf 'fds     %d idle after seeding -> %d idle after the soak: %+d\n' \
	"$fd_seeded" "$fd_end" "$((fd_end - fd_seeded))"

rc=0
if [ "$growth" -ge "$RSS_LIMIT_KB" ]; then
	echo "soak: FAIL anonymous resident memory grew by $growth kB"
	rc=1
fi
if [ "$fd_end" -gt "$fd_seeded" ]; then
	echo "soak: FAIL $((fd_end - fd_seeded)) more descriptors open"
	rc=1
fi
if ! grep -q '^soak answers: [0-9]* 2xx, 0 other' <<<"$answers"; then
	echo "soak: FAIL answers other than 2xx"
	rc=1
fi
[ "$rc" -ne 0 ] || echo "soak: PASS"
exit "$rc"
