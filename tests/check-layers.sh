#!/bin/sh
# Fails if a module includes a layer above it (STYLE.md §1):
#   http -> scim -> {rules, filter, store, json, auth} -> util
#   (auth -> json too: JWT headers, claims and JWKS are strict JSON)
# libevent only in src/http and src/main.c; yajl only in src/json;
# LMDB only in src/store.
cd "${srcdir:-.}/src" || exit 1
fail=0
bad() { echo "layering: $*"; fail=1; }

check() {
	dir=$1; shift
	for pat in "$@"; do
		hits=$(grep -rn --include='*.[ch]' -E "#include *[<\"]$pat" "$dir" 2>/dev/null)
		[ -n "$hits" ] && bad "$dir must not include $pat:
$hits"
	done
}

check util 'json/' 'filter/' 'store/' 'auth/' 'scim/' 'http/' 'rules/' 'event2/' 'yajl/' 'lmdb.h'
check json 'filter/' 'store/' 'auth/' 'scim/' 'http/' 'rules/' 'event2/' 'lmdb.h'
check filter 'store/' 'auth/' 'scim/' 'http/' 'rules/' 'event2/' 'yajl/' 'lmdb.h'
check store 'json/' 'filter/' 'auth/' 'scim/' 'http/' 'rules/' 'event2/' 'yajl/'
check auth 'filter/' 'scim/' 'http/' 'rules/' 'event2/' 'yajl/' 'lmdb.h'
check scim 'http/' 'event2/' 'yajl/' 'lmdb.h'
check http 'yajl/' 'lmdb.h'
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
