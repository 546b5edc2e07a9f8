#!/usr/bin/env bash
# Seeds a running scimcred with Users and one large Group for the PATCH
# workloads: N Users (userName bench-user-i) that all become members of
# the Group "bench-big", and EXTRA more Users (bench-extra-i) that are
# not members, for patch_member.lua to add one at a time.
#
#   seed_users.sh URL TOKEN N EXTRA USERS_FILE EXTRA_FILE GROUP_FILE
#
# Writes the member ids, the extra ids (one a line) and the Group's id.
set -euo pipefail

url=$1 token=$2 n=$3 extra=$4 users=$5 extras=$6 group=$7
cfg=$(mktemp)
out=$(mktemp)
body=$(mktemp)
trap 'rm -f "$cfg" "$out" "$body"' EXIT

urn='urn:ietf:params:scim:schemas:core:2.0:User'

# create_users PREFIX COUNT IDS_FILE
create_users() {
	local prefix=$1 count=$2 ids=$3 i created
	for ((i = 1; i <= count; i++)); do
		printf 'url = "%s/Users"\n' "$url"
		printf 'header = "Authorization: Bearer %s"\n' "$token"
		printf 'header = "Content-Type: application/scim+json"\n'
		printf 'data = "{\\"schemas\\":[\\"%s\\"],' "$urn"
		printf '\\"userName\\":\\"%s-%d@bench.example\\",' "$prefix" "$i"
		printf '\\"displayName\\":\\"%s %d\\",\\"active\\":true}"\n' \
			"$prefix" "$i"
		printf 'output = "/dev/null"\n'
		printf 'write-out = "%%{http_code} %%header{location}\\n"\n'
		if ((i < count)); then
			printf 'next\n'
		fi
	done >"$cfg"
	curl -sS --no-progress-meter --parallel --parallel-max 16 -K "$cfg" \
		>"$out" || true
	created=$(grep -c '^201 ' "$out" || true)
	grep '^201 ' "$out" | sed 's|.*/Users/||' | tr -d '\r' >"$ids"
	if [ "$created" -ne "$count" ]; then
		echo "seed_users: only $created of $count creates answered 201" >&2
		cut -d' ' -f1 "$out" | sort | uniq -c >&2
		exit 1
	fi
}

create_users bench-user "$n" "$users"
create_users bench-extra "$extra" "$extras"

# One POST with every member: about 50 bytes a member, under the 1 MiB
# body limit for 10,000 members.
{
	printf '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],'
	printf '"displayName":"bench-big","members":['
	awk 'NR > 1 { printf "," } { printf "{\"value\":\"%s\"}", $0 }' "$users"
	printf ']}'
} >"$body"
location=$(curl -sS -o /dev/null -w '%{http_code} %header{location}' \
	-X POST "$url/Groups" -H "Authorization: Bearer $token" \
	-H 'Content-Type: application/scim+json' --data-binary "@$body")
case $location in
201\ *) echo "${location##*/Groups/}" | tr -d '\r' >"$group" ;;
*)
	echo "seed_users: creating the Group answered ${location%% *}" >&2
	exit 1
	;;
esac
echo "seed_users: $n Users in Group $(cat "$group"), $extra more Users" >&2
