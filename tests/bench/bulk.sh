#!/usr/bin/env bash
# make bench-bulk: converge N services + N routes + N plugins (3N entities)
# on a fresh Kong emulator, each tool as ONE Ansible task, side by side:
#
#   kong_declarative   platform.ops.kong_declarative with src: the state
#   deck sync          ansible.builtin.command: deck sync -s <decK's own dump
#                      of that state> (decK 1.4.0 fills few defaults itself,
#                      so a hand-written state diffs forever; its own dump
#                      does not)
#   module loop        kong_service, kong_route and kong_plugin, each looped
#                      over the N entities (one task each; their sum)
#
# For each: the first apply on an empty Kong and the no-change re-apply,
# seconds of the task (the wall time of a one-task play minus that of an
# empty play, median of RUNS runs) and the HTTP requests the emulator served
# for it. Timings are measurements, never assertions.
#
# Usage: bulk.sh [N...]   (default: 1000 3334, i.e. 3,000 and 10,002 entities)
# Env:   RUNS (default 3), LOOP_MAX (largest N the module loop runs, default 1000)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3334)
runs=${RUNS:-3}
loop_max=${LOOP_MAX:-1000}
command -v deck >/dev/null || { echo "bench-bulk needs deck (Debian's deck; make deps)" >&2; exit 1; }

work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT
export ANSIBLE_COLLECTIONS_PATH="$repo/build/collections"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
emulator="$repo/build/kong-emulator"

# play FILE TASK-YAML...: a play of the given tasks on localhost.
play() {
    local file=$1
    shift
    {
        echo "- hosts: localhost"
        echo "  gather_facts: false"
        echo "  tasks:"
        printf '%s\n' "$@"
    } >"$file"
}

# wall_ms PLAYBOOK: milliseconds of one ansible-playbook run; fails on a failed run.
wall_ms() {
    local start end
    start=$(date +%s%N)
    ansible-playbook -i localhost, -c local "$1" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }

fresh() { stop_emulator; start_emulator "$emulator" "$work/emulator.log"; }

requests() { grep -c ' [A-Z]* /' "$work/emulator.log" || true; }

# measure NAME PLAYBOOK SETUP: for each run, a fresh emulator, SETUP (a
# command or :), then the timed play; prints "ms requests" (median ms, the
# requests of the last timed run).
measure() {
    local setup=$3 times=() before ms
    for _ in $(seq "$runs"); do
        fresh
        export KONG_ADMIN_URL=$KONG_EMULATOR_URL
        $setup
        before=$(requests)
        ms=$(wall_ms "$2")
        times+=($((ms - empty)))
    done
    echo "$(printf '%s\n' "${times[@]}" | median) $(($(requests) - before))"
}

play "$work/empty.yml" "    - ansible.builtin.meta: noop"
empty=$(for _ in $(seq "$runs"); do wall_ms "$work/empty.yml"; done | median)

results=()
ratios=()
for n in "${sizes[@]}"; do
    entities=$((3 * n))
    /usr/bin/python3 "$repo/tests/bench/gen_state.py" "$n" 3.0 >"$work/state.json"
    /usr/bin/python3 "$repo/tests/bench/gen_state.py" "$n" 1.1 >"$work/state-1.1.json"
    # decK's own dump of the state, from a scratch emulator.
    fresh
    deck sync --kong-addr "$KONG_EMULATOR_URL" -s "$work/state-1.1.json" >/dev/null
    deck dump --kong-addr "$KONG_EMULATOR_URL" -o "$work/deck-dump.yaml" >/dev/null

    play "$work/declarative.yml" "    - platform.ops.kong_declarative: {src: '$work/state.json'}"
    play "$work/deck.yml" "    - ansible.builtin.command: deck sync --kong-addr {{ lookup('env', 'KONG_ADMIN_URL') }} -s '$work/deck-dump.yaml'"
    apply_declarative() { ansible-playbook -i localhost, -c local "$work/declarative.yml" >/dev/null; }
    apply_deck() { ansible-playbook -i localhost, -c local "$work/deck.yml" >/dev/null; }

    read -r d1 dr1 < <(measure declarative "$work/declarative.yml" :)
    read -r d2 dr2 < <(measure declarative "$work/declarative.yml" apply_declarative)
    grep -q 'changed=0' "$work/last.log" || { echo "kong_declarative re-apply reported a change" >&2; exit 1; }
    read -r k1 kr1 < <(measure deck "$work/deck.yml" :)
    read -r k2 kr2 < <(measure deck "$work/deck.yml" apply_deck)
    results+=("$entities|kong_declarative|$d1|$dr1|$d2|$dr2")
    results+=("$entities|deck sync (own dump)|$k1|$kr1|$k2|$kr2")
    ratios+=("$entities|$k1|$d1|$k2|$d2")

    if [ "$n" -le "$loop_max" ]; then
        /usr/bin/python3 - "$work/state.json" "$work/loop-vars.yml" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
svcs = [{k: v for k, v in s.items() if k in ("name", "host", "port", "protocol", "tags")} for s in st["services"]]
routes = [dict(r, service=s["name"]) for s in st["services"] for r in s["routes"]]
plugins = [dict(p, service=s["name"]) for s in st["services"] for p in s["plugins"]]
json.dump({"bench_services": svcs, "bench_routes": routes, "bench_plugins": plugins}, open(sys.argv[2], "w"))
PY
        play "$work/loop.yml" \
            "    - ansible.builtin.include_vars: {file: '$work/loop-vars.yml'}" \
            "    - platform.ops.kong_service: {name: '{{ item.name }}', host: '{{ item.host }}', port: '{{ item.port }}', protocol: '{{ item.protocol }}', tags: '{{ item.tags }}'}" \
            "      loop: '{{ bench_services }}'" \
            "    - platform.ops.kong_route: {name: '{{ item.name }}', service: '{{ item.service }}', paths: '{{ item.paths }}', methods: '{{ item.methods }}', strip_path: true, tags: '{{ item.tags }}'}" \
            "      loop: '{{ bench_routes }}'" \
            "    - platform.ops.kong_plugin: {name: rate-limiting, service: '{{ item.service }}', config: '{{ item.config }}', tags: '{{ item.tags }}'}" \
            "      loop: '{{ bench_plugins }}'"
        apply_loop() { ansible-playbook -i localhost, -c local "$work/loop.yml" >/dev/null; }
        runs_saved=$runs
        runs=1 # minutes per run: once is enough to see the order of magnitude
        read -r l1 lr1 < <(measure loop "$work/loop.yml" :)
        read -r l2 lr2 < <(measure loop "$work/loop.yml" apply_loop)
        runs=$runs_saved
        results+=("$entities|module loop (3 tasks)|$l1|$lr1|$l2|$lr2")
    fi
done

echo
echo "Bulk convergence, one Ansible task per tool (fresh Kong 3.9.3 emulator per run; seconds are the"
echo "task's share of a one-task play, median of $runs; the module loop ran once; requests as the emulator logged them)"
echo
printf '| %-8s | %-22s | %-15s | %-10s | %-15s | %-10s |\n' entities tool "first apply (s)" requests "no-change (s)" requests
printf '|%s|%s|%s|%s|%s|%s|\n' ---------- ------------------------ ----------------- ------------ ----------------- ------------
for row in "${results[@]}"; do
    IFS='|' read -r e tool a ar b br <<<"$row"
    awk -v e="$e" -v t="$tool" -v a="$a" -v ar="$ar" -v b="$b" -v br="$br" \
        'BEGIN { printf "| %-8s | %-22s | %15.2f | %10s | %15.2f | %10s |\n", e, t, a / 1000, ar, b / 1000, br }'
done
echo
for row in "${ratios[@]}"; do
    IFS='|' read -r e k1 d1 k2 d2 <<<"$row"
    awk -v e="$e" -v k1="$k1" -v d1="$d1" -v k2="$k2" -v d2="$d2" \
        'BEGIN { printf "%s entities: kong_declarative is %.1fx faster than deck sync on the first apply, %.1fx on the no-change re-apply\n", e, k1 / d1, k2 / d2 }'
done
