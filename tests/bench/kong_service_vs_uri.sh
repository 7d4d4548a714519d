#!/usr/bin/env bash
# Per-task wall time of platform.ops.kong_service (no change) against
# ansible.builtin.uri doing the same GET, on the local connection: 50
# separate tasks each, minus the wall time of an empty play, divided by 50.
# kong_service is timed with each dispatch strategy. Not part of make test
# (timings are not assertions); run with `make bench`.
#
# Usage: kong_service_vs_uri.sh [tasks]   (default 50)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

n=${1:-50}
work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT
start_emulator "$repo/build/kong-emulator" "$work/emulator.log"

export ANSIBLE_COLLECTIONS_PATH="$repo/build/collections"
export ANSIBLE_NOCOLOR=1
svc=bench-svc

# playbook NAME TASK-YAML: write a play of $n copies of one task.
playbook() {
    {
        echo "- hosts: localhost"
        echo "  gather_facts: false"
        echo "  tasks:"
        for _ in $(seq "$n"); do printf '%s\n' "$2"; done
    } >"$work/$1.yml"
}

printf -- '- hosts: localhost\n  gather_facts: false\n  tasks: []\n' >"$work/empty.yml"
kong_task="    - platform.ops.kong_service: {admin_url: '$KONG_EMULATOR_URL', name: $svc, url: 'http://bench.upstream.test:8080/v1'}"
playbook kong_service "$kong_task"
playbook uri "    - ansible.builtin.uri: {url: '$KONG_EMULATOR_URL/services/$svc', return_content: true}"

# Create the service once, so every timed kong_service task is a no-change GET.
ansible-playbook -i localhost, -c local "$work/kong_service.yml" -e platform_ops_strategy=inplace >/dev/null

# wall_ms PLAYBOOK [extra args]: milliseconds for one ansible-playbook run.
wall_ms() {
    local start end
    start=$(date +%s%N)
    ansible-playbook -i localhost, -c local "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

# per_task PLAYBOOK [extra args]: median of 3 runs, minus the empty play, / n.
per_task() {
    local a b c med
    a=$(wall_ms "$@"); b=$(wall_ms "$@"); c=$(wall_ms "$@")
    med=$(printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p)
    echo $(((med - empty) / n))
}

empty=$(printf '%s\n' "$(wall_ms "$work/empty.yml")" "$(wall_ms "$work/empty.yml")" "$(wall_ms "$work/empty.yml")" | sort -n | sed -n 2p)

inplace=$(per_task "$work/kong_service.yml" -e platform_ops_strategy=inplace)
grep -q 'changed=0' "$work/last.log" || { echo "kong_service reported a change" >&2; exit 1; }
cache=$(per_task "$work/kong_service.yml" -e platform_ops_strategy=cache)
classic=$(per_task "$work/kong_service.yml" -e platform_ops_strategy=classic)
uri=$(per_task "$work/uri.yml")

echo "local connection, $n separate tasks, median of 3, empty play ${empty} ms subtracted"
printf '%-34s %6s ms/task\n' "kong_service (inplace, default)" "$inplace" \
    "kong_service (cache)" "$cache" "kong_service (classic)" "$classic" "ansible.builtin.uri (same GET)" "$uri"
awk -v u="$uri" -v k="$inplace" 'BEGIN { if (k > 0) printf "ratio uri / kong_service (inplace): %.2f\n", u / k }'
