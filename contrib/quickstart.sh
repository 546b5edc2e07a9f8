#!/bin/sh
# Quick start on a fresh Debian 12: install the build dependencies, build
# scimcred, and serve it on 127.0.0.1:8080 with an embedded LMDB database in
# ./scimcred-data and a `demo` tenant. Prints a working admin token.
#
#   ./contrib/quickstart.sh [extra serve options]
set -eu
cd "$(dirname "$0")/.."

DATA=${SCIMCRED_DATA:-./scimcred-data}
LISTEN=${SCIMCRED_LISTEN:-127.0.0.1:8080}
PKGS="build-essential autoconf automake pkg-config libevent-dev libyajl-dev
	liblmdb-dev libssl-dev libcriterion-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "quickstart: installing$missing" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
fi

if [ ! -x ./scimcred ] || [ ! -f Makefile ]; then
	./autogen.sh >/dev/null 2>&1
	./configure -q
fi
make -j"$(nproc)" scimcred >/dev/null
echo "quickstart: built ./scimcred $(./scimcred --version | head -1)" >&2

if [ -f "$DATA/data.mdb" ]; then
	# The first start printed a token already; give this run a fresh one.
	token=$(./scimcred token create --data "$DATA" --tenant demo)
	echo "scimcred: admin token for tenant demo (shown once, keep it):"
	echo "$token"
fi
exec ./scimcred serve --listen "$LISTEN" --data "$DATA" \
    --schemas-dir ./scim-schemas "$@"
