#!/usr/bin/env bash
# Run every integration target under tests/integration/targets with
# `ansible-test integration --local` in a real copy of the collection
# (make test-tree), against a Kong emulator on a free loopback port.
#
# Targets get these variables (tests/integration/integration_config.yml):
#   kong_admin_url     URL of the emulator started here (Kong 3.9.3)
#   kong_emulator_url  same URL, for /_emulator/ control calls
#   platform_ops_repo  the checkout (for fixtures outside the collection)
#   platform_ops_modules  modules in the tree (plugins/action/*.py), so a
#                      target can skip tasks of a module not written yet
#   platform_ops_expect_core  major.minor of the ansible-core the caller meant
#                      to test ($PLATFORM_OPS_EXPECT_CORE; empty: any)
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
platform_ops_expect_core: '${PLATFORM_OPS_EXPECT_CORE:-}'
platform_ops_modules: [$(find "$tree/plugins/action" -maxdepth 1 -name '*.py' -printf '%f\n' 2>/dev/null | sed 's/\.py$//' | sort | paste -sd, -)]
YAML

# Modules a target needs: a target named after a module needs that module;
# go_module_dispatch drives kong_service. A target whose module is not in the
# tree yet (no generated plugins/action/<module>.py) is skipped, loudly.
needs() {
    case "$1" in
        go_module_dispatch) echo kong_service ;;
        *) if [ -d "$tree/modules-src/modules/$1" ]; then echo "$1"; fi ;;
    esac
}

targets=()
for dir in "$tree"/tests/integration/targets/*/; do
    [ -f "$dir/aliases" ] || continue
    name=$(basename "$dir")
    grep -qE '^(disabled|unsupported|hidden)' "$dir/aliases" && continue
    missing=
    for module in $(needs "$name"); do
        [ -f "$tree/plugins/action/$module.py" ] || missing="$missing $module"
    done
    if [ -n "$missing" ]; then
        echo "integration: $name skipped: plugins/action/{${missing# }}.py not in the tree yet (make docs)"
        continue
    fi
    targets+=("$name")
done
if [ "${#targets[@]}" -eq 0 ]; then
    echo "integration: no targets"
    exit 0
fi

cd "$tree"
ansible-test integration --local --python "${PYTHON_VERSION:-3.11}" --color no -v "${targets[@]}"
