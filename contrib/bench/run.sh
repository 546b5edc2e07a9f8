#!/usr/bin/env bash
# scimcred benchmark: starts the daemon on a temporary data dir, seeds N
# credentials, runs wrk against four workloads (GET by id, GET with an
# externalId filter, PUT replace, POST create) and, for reference, nginx
# serving a ~600-byte static JSON file; prints req/s, p50 and p99.
#
#   contrib/bench/run.sh [path/to/scimcred]
#
# Then seeds N Users, all members of one Group, and EXTRA more Users,
# and runs PATCH workloads: a User attribute change, and adding one member
# to that Group (answer without, then with, the member list).
#
# Environment: N (10000), EXTRA (10000), DURATION (15s), CONNECTIONS
# (32), THREADS (1), SERVER_THREADS (nproc), PORT (18080), NGINX_PORT
# (18081), SCHEMAS (scim-schemas/ next to this checkout), SKIP_NGINX=1.
# Needs wrk and curl (and nginx for the reference; installed if missing
# when run as root). Everything listens on 127.0.0.1 only.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BIN=${1:-${SCIMCRED_BIN:-$TOP/scimcred}}
N=${N:-10000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
# One wrk thread by default: on a 2-core machine a second load thread
# takes a core from the server it measures (both runs are in README.md).
THREADS=${THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-$(nproc)}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
SCHEMAS=${SCHEMAS:-$TOP/scim-schemas}
EXTRA=${EXTRA:-10000}

TMP=$(mktemp -d /tmp/scimcred-bench.XXXXXX)
SERVER_PID=
NGINX_PID=
RESULTS=()

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "$NGINX_PID" ]; then
		kill -TERM "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing $2" >&2
		# Don't let the package start its own service on port 80.
		local made_policy=
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
			chmod +x /usr/sbin/policy-rc.d
			made_policy=1
		fi
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" \
			>/dev/null 2>&1; then
			apt-get update -qq || true
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" \
				>/dev/null || true
		fi
		[ -z "$made_policy" ] || rm -f /usr/sbin/policy-rc.d
	fi
	command -v "$1" >/dev/null 2>&1 || {
		echo "bench: $1 is required (apt-get install $2)" >&2
		return 1
	}
}

wait_http() {
	local url=$1 i
	for ((i = 0; i < 200; i++)); do
		curl -s -o /dev/null "$url" && return 0
		sleep 0.05
	done
	echo "bench: nothing answers at $url" >&2
	return 1
}

start_server() {
	local i
	[ -x "$BIN" ] || {
		echo "bench: no daemon at $BIN (build it, or pass its path)" >&2
		exit 1
	}
	mkdir -p "$TMP/data"
	"$BIN" serve --listen "127.0.0.1:$PORT" --data "$TMP/data" \
		--threads "$SERVER_THREADS" --schemas-dir "$SCHEMAS" \
		>"$TMP/server.out" 2>"$TMP/server.log" &
	SERVER_PID=$!
	wait_http "http://127.0.0.1:$PORT/"
	for ((i = 0; i < 100; i++)); do
		BENCH_TOKEN=$(grep -m1 '^scimcred_' "$TMP/server.out" || true)
		[ -z "$BENCH_TOKEN" ] || break
		sleep 0.05
	done
	[ -n "$BENCH_TOKEN" ] || {
		echo "bench: the daemon printed no admin token" >&2
		exit 1
	}
	export BENCH_TOKEN
}

start_nginx() {
	mkdir -p "$TMP/nginx/www" "$TMP/nginx/logs"
	# ~600 bytes: about the size of one Credential resource
	{
		printf '{"schemas":["urn:hid:scim:api:idp:2.0:Credential"],'
		printf '"id":"c7b7a0e4-6f1b-4b8e-9a53-2f6d1c0a9e11",'
		printf '"externalId":"bench-1","meta":{"resourceType":"Credential",'
		printf '"created":"2024-01-01T00:00:00Z","lastModified":"2024-01-01T00:00:00Z",'
		printf '"location":"http://127.0.0.1/scim/demo/v2/Credential/c7b7a0e4-6f1b-4b8e-9a53-2f6d1c0a9e11",'
		printf '"version":"W/\\"1\\""},"type":"CT_BENCH","status":{"status":"ACTIVE",'
		printf '"active":true},"attributes":[{"name":"PIN_LENGTH","type":"INT",'
		printf '"value":"6","readOnly":false},{"name":"LABEL","type":"STRING",'
		printf '"value":"seed 1","readOnly":false}],"totalUsed":"0"}\n'
	} >"$TMP/nginx/www/cred.json"
	cat >"$TMP/nginx/nginx.conf" <<-EOF
		worker_processes $SERVER_THREADS;
		daemon off;
		pid $TMP/nginx/nginx.pid;
		error_log $TMP/nginx/logs/error.log;
		events { worker_connections 4096; }
		http {
			access_log off;
			client_body_temp_path $TMP/nginx/body;
			proxy_temp_path $TMP/nginx/proxy;
			fastcgi_temp_path $TMP/nginx/fastcgi;
			uwsgi_temp_path $TMP/nginx/uwsgi;
			scgi_temp_path $TMP/nginx/scgi;
			server {
				listen 127.0.0.1:$NGINX_PORT;
				location / {
					root $TMP/nginx/www;
					default_type application/scim+json;
				}
			}
		}
	EOF
	# workers run as an unprivileged user: let them read the file
	chmod -R a+rX "$TMP"
	nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx/logs/stderr" &
	NGINX_PID=$!
	wait_http "http://127.0.0.1:$NGINX_PORT/cred.json"
}

# run_wrk NAME URL [SCRIPT]: one workload; appends a table row.
run_wrk() {
	local name=$1 url=$2 script=${3:-} out="$TMP/wrk-$1.txt"
	local args=(-t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency)
	[ -z "$script" ] || args+=(-s "$HERE/$script")
	echo "bench: $name ($DURATION, $CONNECTIONS connections, $THREADS threads)" >&2
	BENCH_DIR=$HERE wrk "${args[@]}" "$url" >"$out" 2>&1
	RESULTS+=("$(awk -v name="$name" '
		/^ +50%/ { p50 = $2 }
		/^ +99%/ { p99 = $2 }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ { sock = $0; sub(/.*Socket errors: /, "", sock) }
		END {
			printf "%-22s %12s %10s %10s %8s %s\n", name, rps, p50, p99,
			    bad == "" ? 0 : bad, sock
		}' "$out")")
}

main() {
	need wrk wrk
	need curl curl
	start_server
	echo "bench: seeding $N credentials" >&2
	export BENCH_IDS="$TMP/ids.txt" BENCH_N="$N" BENCH_TENANT=demo
	local t0=$SECONDS
	"$HERE/seed.sh" "http://127.0.0.1:$PORT/scim/demo/v2" "$BENCH_TOKEN" \
		"$N" "$BENCH_IDS"
	echo "bench: seeded in $((SECONDS - t0)) s" >&2

	local base="http://127.0.0.1:$PORT"
	run_wrk "GET by id" "$base" get_id.lua
	run_wrk "GET filter externalId" "$base" get_filter.lua
	run_wrk "PUT replace" "$base" put.lua
	run_wrk "POST create" "$base" post.lua

	echo "bench: seeding $N Users in one Group, and $EXTRA more Users" >&2
	export BENCH_USERS="$TMP/users.txt" BENCH_EXTRA="$TMP/extra.txt" \
		BENCH_GROUP="$TMP/group.txt" BENCH_THREADS="$THREADS"
	t0=$SECONDS
	"$HERE/seed_users.sh" "http://127.0.0.1:$PORT/scim/demo/v2" \
		"$BENCH_TOKEN" "$N" "$EXTRA" "$BENCH_USERS" "$BENCH_EXTRA" \
		"$BENCH_GROUP"
	echo "bench: seeded in $((SECONDS - t0)) s" >&2
	run_wrk "PATCH user attribute" "$base" patch_user.lua
	export BENCH_QUERY='?excludedAttributes=members'
	run_wrk "PATCH add member" "$base" patch_member.lua
	export BENCH_QUERY=
	run_wrk "PATCH add member, full" "$base" patch_member.lua
	if [ "${SKIP_NGINX:-0}" != 1 ] && need nginx nginx; then
		start_nginx
		run_wrk "nginx static 600 B" "http://127.0.0.1:$NGINX_PORT/cred.json"
	fi

	echo
	echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "scimcred: $SERVER_THREADS threads, $N seeded credentials, $N Users in one Group (+$EXTRA); wrk: $THREADS threads, $CONNECTIONS connections, $DURATION each"
	printf '%-22s %12s %10s %10s %8s %s\n' workload req/s p50 p99 non-2xx "socket errors"
	printf '%s\n' "${RESULTS[@]}"
}

main "$@"
