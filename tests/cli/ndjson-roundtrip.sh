#!/bin/sh
# scimcred import/export through the command line: import an NDJSON file
# into a fresh data directory, export it, import that into a second
# fresh directory, export again: the two exports must be byte-identical.
# A bad line must fail with its line number and exit status 1, and the
# import must refuse a data directory a server holds.
set -eu
bin=${SCIMCRED_BIN:?run through make check}
schemas=${SCIMCRED_SCHEMAS:?run through make check}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
u=urn:ietf:params:scim:schemas:core:2.0:User
g=urn:ietf:params:scim:schemas:core:2.0:Group
meta() { printf '"meta":{"resourceType":"%s","created":"2024-0%s-01T00:00:00Z","lastModified":"2024-0%s-02T10:00:00Z","version":"W/\\"%s\\""}' "$1" "$2" "$2" "$2"; }
{
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '{"schemas":["%s"],"id":"user-%s","userName":"u%s",%s}\n' "$u" "$i" "$i" "$(meta User "$i")"
	done
	printf '{"schemas":["%s"],"id":"g-inner","displayName":"inner","members":[{"value":"user-1","type":"User"}],%s}\n' "$g" "$(meta Group 3)"
	printf '{"schemas":["%s"],"id":"a-outer","displayName":"outer","members":[{"value":"g-inner","type":"Group"},{"value":"user-2","type":"User"}],%s}\n' "$g" "$(meta Group 4)"
} >"$tmp/in.ndjson"
run() { "$bin" "$@" --schemas-dir "$schemas"; }
for d in d1 d2; do
	mkdir "$tmp/$d"
	"$bin" tenant add acme --data "$tmp/$d"
done
run import --tenant acme --data "$tmp/d1" --batch 4 "$tmp/in.ndjson" 2>"$tmp/err"
grep -q "imported 11 resources" "$tmp/err"
run export --tenant acme --data "$tmp/d1" "$tmp/a.ndjson"
# groups come out after the groups they contain
grep -n '"id":"g-inner"' "$tmp/a.ndjson" | cut -d: -f1 >"$tmp/inner"
grep -n '"id":"a-outer"' "$tmp/a.ndjson" | cut -d: -f1 >"$tmp/outer"
test "$(cat "$tmp/inner")" -lt "$(cat "$tmp/outer")"
run import --tenant acme --data "$tmp/d2" - <"$tmp/a.ndjson" 2>/dev/null
run export --tenant acme --data "$tmp/d2" >"$tmp/b.ndjson"
cmp "$tmp/a.ndjson" "$tmp/b.ndjson"
test "$(wc -l <"$tmp/a.ndjson")" -eq 11
# a bad line: exit 1, its line number, nothing of its batch
mkdir "$tmp/d3"
"$bin" tenant add acme --data "$tmp/d3"
sed '6s/.*/{"schemas":/' "$tmp/in.ndjson" >"$tmp/bad.ndjson"
if run import --tenant acme --data "$tmp/d3" --batch 4 "$tmp/bad.ndjson" 2>"$tmp/err"; then
	echo "a bad line was accepted"; exit 1
fi
grep -q "line 6:" "$tmp/err"
test "$(run export --tenant acme --data "$tmp/d3" | wc -l)" -eq 4
# refused while the directory is locked by a server (flock shared)
exec 9>"$tmp/d3/scimcred.lock"
flock -s 9
if run import --tenant acme --data "$tmp/d3" "$tmp/in.ndjson" 2>"$tmp/err"; then
	echo "import ran beside a server"; exit 1
fi
grep -q "in use" "$tmp/err"
echo "ndjson round trip: ok"
