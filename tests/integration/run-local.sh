#!/usr/bin/env bash
# Run every integration target under tests/integration/targets with
# `ansible-test integration --local` in a real copy of the collection
# (make test-tree), against a Kong emulator on a free loopback port.
#
# Targets get these variables (tests/integration/integration_config.yml):
#   kong_admin_url     URL of the emulator started here (Kong 3.9.3)
#   kong_emulator_url  same URL, for /_emulator/ control calls
#   platform_ops_repo  the checkout (for fixtures outside the collection)
#
# Usage: run-local.sh TEST_TREE
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$(cd "$1" && pwd)
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT

KONG_EMULATOR_URL=
if [ -x "$repo/build/kong-emulator" ]; then
    start_emulator "$repo/build/kong-emulator" "$work/emulator.log"
    echo "integration: Kong emulator at $KONG_EMULATOR_URL"
fi

cat >"$tree/tests/integration/integration_config.yml" <<YAML
---
kong_admin_url: $KONG_EMULATOR_URL
kong_emulator_url: $KONG_EMULATOR_URL
platform_ops_repo: $repo
YAML

targets=()
for dir in "$tree"/tests/integration/targets/*/; do
    [ -f "$dir/aliases" ] || continue
    name=$(basename "$dir")
    grep -qE '^(disabled|unsupported|hidden)' "$dir/aliases" && continue
    targets+=("$name")
done
if [ "${#targets[@]}" -eq 0 ]; then
    echo "integration: no targets"
    exit 0
fi

cd "$tree"
ansible-test integration --local --python "${PYTHON_VERSION:-3.11}" --color no -v "${targets[@]}"
