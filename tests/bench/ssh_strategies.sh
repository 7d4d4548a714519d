#!/usr/bin/env bash
# Per-task wall time of kong_service over SSH with the cache and classic
# strategies, against ansible.builtin.uri (a Python module, pipelining off and
# on) doing the same GET from the remote host: 50 separate tasks, minus an
# empty play, median of 3. Uses the throwaway sshd of tests/ssh/run.sh.
#
# Usage: ssh_strategies.sh [tasks]          (needs root, like make integration-ssh)
#        ssh_strategies.sh --inner INVENTORY KONG_URL TASKS   (run by the harness)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${1:-}" != --inner ]; then
    export PLATFORM_OPS_BENCH_TASKS=${1:-50}
    PLAYBOOK="$repo/tests/bench/ssh_strategies.yml" exec bash "$repo/tests/ssh/run.sh"
fi

inventory=$2 kong=$3 n=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

playbook() {
    {
        echo "- hosts: ssh"
        echo "  gather_facts: false"
        echo "  tasks:"
        for _ in $(seq "$n"); do printf '%s\n' "$2"; done
    } >"$work/$1.yml"
}
printf -- '- hosts: ssh\n  gather_facts: false\n  tasks: []\n' >"$work/empty.yml"
playbook kong_service "    - platform.ops.kong_service: {admin_url: '$kong', name: bench-ssh, url: 'http://bench.upstream.test:8080/v1'}"
playbook uri "    - ansible.builtin.uri: {url: '$kong/services/bench-ssh', return_content: true}"

wall_ms() {
    local start end
    start=$(date +%s%N)
    ansible-playbook -i "$inventory" "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}
median3() { printf '%s\n' "$("$@")" "$("$@")" "$("$@")" | sort -n | sed -n 2p; }
per_task() { echo $((($(median3 wall_ms "$@") - empty) / n)); }

# Create the service and fill the cache, so every timed task is a no-change run.
wall_ms "$work/kong_service.yml" -e platform_ops_strategy=cache >/dev/null
empty=$(median3 wall_ms "$work/empty.yml")
cache=$(per_task "$work/kong_service.yml" -e platform_ops_strategy=cache)
grep -q 'changed=0' "$work/last.log"
classic=$(per_task "$work/kong_service.yml" -e platform_ops_strategy=classic)
uri=$(per_task "$work/uri.yml")
uri_pipe=$(ANSIBLE_PIPELINING=1 per_task "$work/uri.yml")

echo "SSH (loopback sshd), $n separate tasks, median of 3, empty play ${empty} ms subtracted"
printf '%-40s %6s ms/task\n' "kong_service (cache, default)" "$cache" "kong_service (classic)" "$classic" \
    "ansible.builtin.uri (same GET)" "$uri" "ansible.builtin.uri, pipelining" "$uri_pipe"
