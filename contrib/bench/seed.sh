#!/usr/bin/env bash
# Seeds a running scimcred with N credentials through the API (curl with
# parallel transfers) and writes their ids, one a line, to IDS_FILE.
#
#   seed.sh URL TOKEN N IDS_FILE      e.g. http://127.0.0.1:18080/scim/demo/v2
#
# Credential i has externalId "bench-i" (get_filter.lua looks them up).
# The CredentialType CT_BENCH they use is created first.
set -euo pipefail

url=$1 token=$2 n=$3 ids=$4
cfg=$(mktemp)
out=$(mktemp)
trap 'rm -f "$cfg" "$out"' EXIT

# The credentials' type, CT_BENCH; a 409 means an earlier run made it.
ctype=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$url/CredentialTypes" \
	-H "Authorization: Bearer $token" -H 'Content-Type: application/scim+json' \
	-d '{"schemas":["urn:scimcred:params:scim:schemas:core:2.0:CredentialType"],
	    "id":"CT_BENCH","name":"Benchmark credential","initialStatus":"ACTIVE",
	    "attributes":[{"name":"PIN_LENGTH","type":"INT"},
	    {"name":"LABEL","type":"STRING","maxLength":64}]}')
if [ "$ctype" != 201 ] && [ "$ctype" != 409 ]; then
	echo "seed: creating the credential type CT_BENCH answered $ctype" >&2
	exit 1
fi

urn='urn:hid:scim:api:idp:2.0:Credential'
for ((i = 1; i <= n; i++)); do
	printf 'url = "%s/Credential"\n' "$url"
	printf 'header = "Authorization: Bearer %s"\n' "$token"
	printf 'header = "Content-Type: application/scim+json"\n'
	printf 'data = "{\\"schemas\\":[\\"%s\\"],\\"externalId\\":\\"bench-%d\\",' "$urn" "$i"
	printf '\\"type\\":\\"CT_BENCH\\",\\"status\\":{\\"status\\":\\"ACTIVE\\"},'
	printf '\\"attributes\\":[{\\"name\\":\\"PIN_LENGTH\\",\\"type\\":\\"INT\\",'
	printf '\\"value\\":\\"6\\",\\"readOnly\\":false},{\\"name\\":\\"LABEL\\",'
	printf '\\"type\\":\\"STRING\\",\\"value\\":\\"seed %d\\",\\"readOnly\\":false}]}"\n' "$i"
	printf 'output = "/dev/null"\n'
	printf 'write-out = "%%{http_code} %%header{location}\\n"\n'
	if ((i < n)); then
		printf 'next\n'
	fi
done >"$cfg"

curl -sS --no-progress-meter --parallel --parallel-max 16 -K "$cfg" >"$out" || true
created=$(grep -c '^201 ' "$out" || true)
grep '^201 ' "$out" | sed 's|.*/Credential/||' | tr -d '\r' >"$ids"
if [ "$created" -ne "$n" ]; then
	echo "seed: only $created of $n creates answered 201; statuses:" >&2
	cut -d' ' -f1 "$out" | sort | uniq -c >&2
	exit 1
fi
echo "seed: created $created credentials" >&2
