#!/usr/bin/env bash
# Issue-3 benchmark: index-backed queries at N credentials (default
# 1,000,000; run it again with N=10000 for the comparison). Generates the
# data set (million_gen.py, not committed), imports it with
# `scimcred import` into the demo tenant, reports load time and database
# size, then runs wrk (CONNECTIONS, default 32) against each query and
# prints req/s, p50 and p99 (wrk's, over loopback).
#
#   N=1000000 DATA=/work/bench-data contrib/bench/million.sh [scimcred]
#
# DATA is where the database goes (default: a temporary directory under
# /tmp, removed afterwards unless KEEP=1); it needs about 4 KiB per
# credential. REUSE=1 with a DATA that an earlier run loaded (and left
# its token in, DATA/bench-token) skips generating and importing, to
# compare two builds on the same data.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=${1:-${SCIMCRED_BIN:-$TOP/scimcred}}
N=${N:-1000000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18090}
SCHEMAS=${SCHEMAS:-$TOP/scim-schemas}
BATCH=${BATCH:-10000}
TMP=$(mktemp -d /tmp/scimcred-million.XXXXXX)
DATA=${DATA:-$TMP/data}
SERVER_PID=

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	[ "${KEEP:-0}" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT

start_server() {
	"$BIN" serve --listen "127.0.0.1:$PORT" --data "$DATA" \
		--threads "$SERVER_THREADS" --schemas-dir "$SCHEMAS" \
		>>"$TMP/server.out" 2>>"$TMP/server.log" &
	SERVER_PID=$!
	for _ in $(seq 1 600); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		sleep 0.1
	done
	echo "million: the server did not start" >&2
	exit 1
}

stop_server() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

mkdir -p "$DATA"
if [ "${REUSE:-0}" = 1 ] && [ -s "$DATA/bench-token" ]; then
	BENCH_TOKEN=$(cat "$DATA/bench-token")
	export BENCH_TOKEN BENCH_N=$N BENCH_TENANT=demo BENCH_DIR=$HERE
	echo "million: reusing $DATA ($(du -sh "$DATA" | cut -f1))" >&2
else
	echo "million: generating $N credentials" >&2
	python3 "$HERE/million_gen.py" "$N" >"$TMP/data.ndjson"
	# The first start creates the demo tenant and prints an admin token.
	start_server
	BENCH_TOKEN=$(grep -m1 '^scimcred_' "$TMP/server.out")
	export BENCH_TOKEN BENCH_N=$N BENCH_TENANT=demo BENCH_DIR=$HERE
	stop_server
	t0=$(date +%s.%N)
	"$BIN" import --tenant demo --batch "$BATCH" --data "$DATA" \
		--schemas-dir "$SCHEMAS" "$TMP/data.ndjson" 2>&1 | tail -1 >&2
	t1=$(date +%s.%N)
	printf 'load: %d credentials in %.1f s; database %s\n' "$N" \
		"$(echo "$t1 - $t0" | bc)" "$(du -sh "$DATA" | cut -f1)"
	rm -f "$TMP/data.ndjson"
	(umask 077 && printf '%s\n' "$BENCH_TOKEN" >"$DATA/bench-token")
fi
start_server
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

# Server-side latency: the access log's duration of each request made
# during the run (wrk's own p50/p99 include loopback and queueing).
server_pct() {
	awk '$2 == "access" { sub(/ms$/, "", $(NF-1)); print $(NF-1) }' |
		sort -n | awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- -"; exit }
			printf "%.3fms %.3fms\n", v[int((NR + 1) * 0.50)],
			    v[int((NR - 1) * 0.99) + 1] }'
}

q() {
	local name=$1 query=$2 out="$TMP/wrk-$1.txt" from
	from=$(wc -l <"$TMP/server.log")
	BENCH_QUERY=$query wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" \
		--latency -s "$HERE/million.lua" "http://127.0.0.1:$PORT" \
		>"$out" 2>&1
	read -r sp50 sp99 < <(tail -n +"$((from + 1))" "$TMP/server.log" |
		server_pct)
	awk -v name="$name" -v sp50="$sp50" -v sp99="$sp99" '
		/^ +50%/ { p50 = $2 }
		/^ +99%/ { p99 = $2 }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		END { printf "%-22s %9s %10s %10s %9s %9s %6s\n", name, rps,
		    sp50, sp99, p50, p99, bad == "" ? 0 : bad }' "$out"
}

printf '%-22s %9s %10s %10s %9s %9s %6s\n' query req/s srv-p50 srv-p99 \
	wrk-p50 wrk-p99 non2xx
q externalId-eq '/Credential?filter=externalId%20eq%20%22bench-{n}%22'
q userName-eq '/Users?filter=userName%20eq%20%22user{u}@bench.example%22'
q owner.value-eq '/Credential?count=100&filter=owner.value%20eq%20%22u-{u}%22'
q type-and-status '/Credential?count=100&filter=type%20eq%20%22CT_{t}%22%20and%20status.status%20eq%20%22PENDING%22'
q expiryDate-lt '/Credential?count=100&filter=status.expiryDate%20lt%20%222024-01-0{d}T00:00:00Z%22'
q attributes-valuepath '/Credential?count=100&filter=attributes%5Bname%20eq%20%22X%22%20and%20value%20eq%20%22x{x}%22%5D'
q sorted-page-100 '/Credential?count=100&sortBy=status.expiryDate&filter=owner.value%20eq%20%22u-{u}%22'
q sorted-all-100 '/Credential?count=100&sortBy=status.expiryDate'
q type-eq-sorted-100 '/Credential?count=100&sortBy=status.expiryDate&filter=type%20eq%20%22CT_{t}%22'
