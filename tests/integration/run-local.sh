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
# Targets run in PLATFORM_OPS_INTEGRATION_JOBS parallel slots (default: the
# CPUs, at most 4): each slot is its own copy of the tree with its own
# emulator, and takes the next target from one queue, slowest known first.
# A target's output is printed whole when it ends, never interleaved; every
# target runs even after one failed, and the run fails if any did. With one
# slot, one ansible-test run takes every target, as before.
#
# Usage: run-local.sh TEST_TREE [TARGET...]   (default: every target)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tree=$(cd "$1" && pwd)
shift
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

work=$(mktemp -d)
emulator_pids=()
cleanup() {
    for pid in "${emulator_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$repo/build/kong-emulator" ]; then
    echo "integration: $repo/build/kong-emulator is missing (make emulator)" >&2
    exit 1
fi

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

# prepare_slot SLOT TREE: an emulator for the targets run in TREE, and the
# variables they get.
prepare_slot() {
    local slot=$1 slot_tree=$2
    start_emulator "$repo/build/kong-emulator" "$work/emulator-$slot.log"
    emulator_pids+=("$EMULATOR_PID")
    cat >"$slot_tree/tests/integration/integration_config.yml" <<YAML
---
kong_admin_url: $KONG_EMULATOR_URL
kong_emulator_url: $KONG_EMULATOR_URL
platform_ops_repo: $repo
platform_ops_expect_core: '${PLATFORM_OPS_EXPECT_CORE:-}'
platform_ops_modules: [$(find "$tree/plugins/action" -maxdepth 1 -name '*.py' -printf '%f\n' 2>/dev/null | sed 's/\.py$//' | sort | paste -sd, -)]
YAML
}

ansible_test() {
    ansible-test integration --local --python "${PYTHON_VERSION:-3.11}" --color no -v "$@"
}

jobs=${PLATFORM_OPS_INTEGRATION_JOBS:-$(nproc)}
[ "$jobs" -gt 4 ] && [ -z "${PLATFORM_OPS_INTEGRATION_JOBS:-}" ] && jobs=4
[ "$jobs" -gt "${#targets[@]}" ] && jobs=${#targets[@]}
[ "$jobs" -ge 1 ] || jobs=1

if [ "$jobs" -eq 1 ]; then
    prepare_slot 1 "$tree"
    echo "integration: Kong emulator at $KONG_EMULATOR_URL"
    cd "$tree"
    ansible_test "${targets[@]}"
    exit 0
fi

# The queue: the targets that take longest first (measured on make test),
# so that no slot is left with a long one at the end; the others after.
slow_first=(seed_playbooks mapr_license mapr_clusterid kong_declarative kong_konnect role_kong_export kong_upstream
    kong_seed_example role_kong_deploy go_module_dispatch)
: >"$work/queue"
for t in "${slow_first[@]}" "${targets[@]}"; do
    if [[ " ${targets[*]} " == *" $t "* ]] && ! grep -qx "$t" "$work/queue"; then
        echo "$t" >>"$work/queue"
    fi
done

next_target() {
    # shellcheck disable=SC2016 # $1 is the inner shell's argument
    flock "$work/queue.lock" bash -c 'head -n 1 "$1" && sed -i 1d "$1"' _ "$work/queue"
}

# worker SLOT_TREE: run queued targets in SLOT_TREE until the queue is empty.
worker() {
    local slot_tree=$1 t start rc
    while t=$(next_target) && [ -n "$t" ]; do
        start=$SECONDS
        rc=0
        (cd "$slot_tree" && ansible_test "$t") >"$work/log.$t" 2>&1 || rc=$?
        {
            echo
            echo "=== integration target $t ==="
            cat "$work/log.$t"
        } | flock "$work/print.lock" cat
        if [ "$rc" -eq 0 ]; then
            echo "$t ok $((SECONDS - start))" >>"$work/results"
        else
            echo "$t FAILED $((SECONDS - start))" >>"$work/results"
        fi
    done
}

echo "integration: ${#targets[@]} targets in $jobs slots"
workers=()
for slot in $(seq "$jobs"); do
    slot_tree=$tree
    if [ "$slot" -gt 1 ]; then
        slot_tree="$work/slot$slot/ansible_collections/platform/ops"
        mkdir -p "$(dirname "$slot_tree")"
        cp -a "$tree" "$slot_tree"
        rm -rf "$slot_tree/tests/output"
    fi
    prepare_slot "$slot" "$slot_tree"
    echo "integration: slot $slot: Kong emulator at $KONG_EMULATOR_URL"
    worker "$slot_tree" &
    workers+=("$!")
done
for pid in "${workers[@]}"; do
    wait "$pid"
done

echo
echo "integration: results (seconds per target, $jobs slots):"
sort "$work/results" | sed 's/^/  /'
ran=$(wc -l <"$work/results")
if [ "$ran" -ne "${#targets[@]}" ]; then
    echo "integration: $ran of ${#targets[@]} targets ran" >&2
    exit 1
fi
if grep -q ' FAILED ' "$work/results"; then
    echo "integration: FAILED: $(grep ' FAILED ' "$work/results" | cut -d' ' -f1 | paste -sd' ' -)" >&2
    exit 1
fi
echo "integration: all ${#targets[@]} targets passed"
