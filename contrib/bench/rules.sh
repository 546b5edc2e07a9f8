#!/usr/bin/env bash
# Issuance-rule benchmark (issue 5): how long staging and applying take
# for a rule that matches N Users (default 100000). Builds and runs
# contrib/bench/rules_bench (see the comment at its top) from a build
# directory, on a temporary data directory that it removes afterwards.
#
#   contrib/bench/rules.sh [BUILD_DIR]        (default: .)
#
# Environment: N (100000), SCHEMAS (the checkout's scim-schemas/),
# KEEP=1 keeps the data directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
n=${N:-100000}
schemas=${SCHEMAS:-$here/../../scim-schemas}

make -C "$build" -s contrib/bench/rules_bench
data=$(mktemp -d /tmp/scimcred-rules-bench-XXXXXX)
rmdir "$data"
if [ "${KEEP:-0}" != 1 ]; then
	trap 'rm -rf "$data"' EXIT
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
SCHEMAS=$schemas "$build/contrib/bench/rules_bench" "$n" "$data"
echo "database: $(du -sh "$data" | cut -f1)"
