#!/usr/bin/env bash
# make test-installed: what a user gets from `ansible-galaxy collection
# install` of the release tarball works. Installs dist/platform-ops-*.tar.gz
# (make collection) into a temporary collections path, checks that every
# platform's binary kept its exec bit and matches SHA256SUMS, that ansible-doc
# reads every module's documentation, and runs the demo from the installed
# copy (no checkout on the collections path).
# Usage: installed.sh TARBALL
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ansible-galaxy collection install --offline -p "$work/collections" "$tarball" >/dev/null
installed="$work/collections/ansible_collections/platform/ops"
echo "installed: $(basename "$tarball") into a temporary collections path"

(cd "$installed/binaries" && sha256sum --quiet -c SHA256SUMS)
for bin in "$installed"/binaries/platform_ops_*; do
    [ -x "$bin" ] || { echo "installed: $bin is not executable" >&2; exit 1; }
done
echo "installed: $(find "$installed/binaries" -name 'platform_ops_*' | wc -l) binaries executable, SHA256SUMS verified"

modules=$(ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-doc -t module -l platform.ops | awk '{print $1}' | sort)
expected=$(find "$repo/modules-src/modules" -mindepth 1 -maxdepth 1 -type d ! -name all -printf 'platform.ops.%f\n' | sort)
if [ "$modules" != "$expected" ]; then
    echo "installed: ansible-doc -l lists [$(tr '\n' ' ' <<<"$modules")], expected [$(tr '\n' ' ' <<<"$expected")]" >&2
    exit 1
fi
for m in $modules; do
    ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-doc -t module "$m" | grep -q '^EXAMPLES:' ||
        { echo "installed: ansible-doc $m shows no examples" >&2; exit 1; }
done
echo "installed: ansible-doc reads all $(echo "$modules" | wc -w) modules"

PLATFORM_OPS_COLLECTIONS_PATH="$work/collections" PLATFORM_OPS_DEMO_ROOT="$installed" \
    bash "$repo/tests/integration/demo.sh"
