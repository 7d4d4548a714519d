#!/usr/bin/env bash
# make demo: start the Kong emulator on a free loopback port, run
# playbooks/demo.yml twice (the first run changes things, the second finds
# everything in place), once with --check --diff of an edit (predicted,
# nothing written) and once more (still no change), then stop the emulator.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

if [ ! -f "$repo/playbooks/demo.yml" ]; then
    echo "demo: playbooks/demo.yml is not in the tree yet" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT
start_emulator "$repo/build/kong-emulator" "$work/emulator.log"
echo "demo: Kong emulator (Kong 3.9.3 Admin API) at $KONG_EMULATOR_URL"

# installed.sh runs the demo from an installed copy of the collection.
export ANSIBLE_COLLECTIONS_PATH="${PLATFORM_OPS_COLLECTIONS_PATH:-$repo/build/collections}"
export KONG_ADMIN_URL="$KONG_EMULATOR_URL"
cd "${PLATFORM_OPS_DEMO_ROOT:-$repo}"
for run in first second; do
    echo
    echo "=== demo: $run run of playbooks/demo.yml ==="
    ansible-playbook -i localhost, -c local -e "kong_admin_url=$KONG_EMULATOR_URL" \
        playbooks/demo.yml | tee "$work/$run.log"
done

echo
echo "=== demo: --check --diff with the rate limit raised to 10 a minute (predicts, writes nothing) ==="
ansible-playbook -i localhost, -c local -e "kong_admin_url=$KONG_EMULATOR_URL" \
    -e demo_rate_per_minute=10 --check --diff playbooks/demo.yml | tee "$work/check.log"
echo
echo "=== demo: a last run finds everything as the second run left it ==="
ansible-playbook -i localhost, -c local -e "kong_admin_url=$KONG_EMULATOR_URL" \
    playbooks/demo.yml | tee "$work/last.log"

changed() { sed -n 's/.*changed=\([0-9]*\).*/\1/p' "$1" | head -1; }
first=$(changed "$work/first.log")
second=$(changed "$work/second.log")
check=$(changed "$work/check.log")
last=$(changed "$work/last.log")
echo
echo "demo: first run changed=$first, second run changed=$second, check run predicted changed=$check, last run changed=$last"
if [ "${first:-0}" -eq 0 ] || [ "${second:-1}" -ne 0 ] || [ "${check:-0}" -ne 1 ] || [ "${last:-1}" -ne 0 ]; then
    echo "demo: expected changes on the first run, none on the second, one predicted by --check and none after it" >&2
    exit 1
fi
