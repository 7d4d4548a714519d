#!/usr/bin/env bash
# Run every integration target under tests/integration/targets with
# `ansible-test integration --local` in a real copy of the collection
# (make test-tree), against a Kong emulator on a free loopback port.
#
# Targets get these variables (tests/integration/integration_config.yml):
#   kong_admin_url     URL of the emulator started here (Kong 3.9.3)
#   kong_emulator_url  same URL, for /_emulator/ control calls
#   platform_ops_repo  the checkout (for fixtures outside the collection)
#   platform_ops_modules  modules in the tree (plugins/action/*.py)
#   platform_ops_expect_core  major.minor of the ansible-core the caller meant
#                      to test ($PLATFORM_OPS_EXPECT_CORE; empty: any)
#
# Nothing is skipped: a missing emulator, a target whose module has no
# generated action file, or no target at all fails the run (a renamed folder
# must not turn the check green).
#
# Usage: run-local.sh TEST_TREE [TARGET...]   (default: every target)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$(cd "$1" && pwd)
shift
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT

if [ ! -x "$repo/build/kong-emulator" ]; then
    echo "integration: $repo/build/kong-emulator is missing (make emulator)" >&2
    exit 1
fi
start_emulator "$repo/build/kong-emulator" "$work/emulator.log"
echo "integration: Kong emulator at $KONG_EMULATOR_URL"

cat >"$tree/tests/integration/integration_config.yml" <<YAML
---
kong_admin_url: $KONG_EMULATOR_URL
kong_emulator_url: $KONG_EMULATOR_URL
platform_ops_repo: $repo
platform_ops_expect_core: '${PLATFORM_OPS_EXPECT_CORE:-}'
platform_ops_modules: [$(find "$tree/plugins/action" -maxdepth 1 -name '*.py' -printf '%f\n' 2>/dev/null | sed 's/\.py$//' | sort | paste -sd, -)]
YAML

# Modules a target needs: a target named after a module needs that module;
# go_module_dispatch drives kong_service (and mapr_clusterid, kong_plugin,
# kong_consumer_credential).
needs() {
    case "$1" in
        go_module_dispatch) echo kong_service kong_plugin kong_consumer_credential mapr_clusterid ;;
        *) if [ -d "$tree/modules-src/modules/$1" ]; then echo "$1"; fi ;;
    esac
}

targets=()
for dir in "$tree"/tests/integration/targets/*/; do
    [ -f "$dir/aliases" ] || continue
    name=$(basename "$dir")
    grep -qE '^(disabled|unsupported|hidden)' "$dir/aliases" && continue
    if [ "$#" -gt 0 ] && [[ " $* " != *" $name "* ]]; then
        continue
    fi
    for module in $(needs "$name"); do
        if [ ! -f "$tree/plugins/action/$module.py" ]; then
            echo "integration: $name needs plugins/action/$module.py, which is missing (make docs)" >&2
            exit 1
        fi
    done
    targets+=("$name")
done
if [ "${#targets[@]}" -eq 0 ] || { [ "$#" -gt 0 ] && [ "${#targets[@]}" -ne "$#" ]; }; then
    echo "integration: no targets (or not all of: $*) found under $tree/tests/integration/targets" >&2
    exit 1
fi

cd "$tree"
ansible-test integration --local --python "${PYTHON_VERSION:-3.11}" --color no -v "${targets[@]}"
