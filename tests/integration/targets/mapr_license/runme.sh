#!/usr/bin/env bash
# A script target, not a role target: the collection's own role
# roles/mapr_license would otherwise shadow this target's tasks (ansible-test
# runs role targets by bare name, and collection roles win).
set -euxo pipefail
ansible-playbook playbook.yml -i "${INVENTORY_PATH:-localhost,}" -e @../../integration_config.yml "$@"

# The role with --diff -v: its failures are explained and no license text
# (every fake license has these lines) reaches the output.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ansible-playbook role_output.yml -i "${INVENTORY_PATH:-localhost,}" -e @../../integration_config.yml --diff -v "$@" | tee "$out"
if grep -n -e 'BEGIN SIGNED MESSAGE' -e 'BEGIN SIGNATURE' -e 'customerid' "$out"; then
    echo "license text in the output of role_output.yml" >&2
    exit 1
fi

# The role twice on one node: the first run adds the license, the second
# changes nothing (play recap changed=0) and leaves no copy behind.
twice=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$twice"' EXIT
ansible-playbook role_twice.yml -i "${INVENTORY_PATH:-localhost,}" -e @../../integration_config.yml -e twice_dir="$twice" -e twice_phase=setup "$@"
for run in first second; do
    ansible-playbook role_twice.yml -i "${INVENTORY_PATH:-localhost,}" -e @../../integration_config.yml -e twice_dir="$twice" -e twice_phase=run "$@" | tee "$out"
    recap=$(grep -E '^[^ ]+ +: ok=' "$out")
    if [ -e "$twice/copied-license.txt" ]; then
        echo "the $run run of the role left its copy of the license behind" >&2
        exit 1
    fi
    case "$run:$recap" in
        first:*changed=0\ *) echo "the first run of the role changed nothing: $recap" >&2; exit 1 ;;
        second:*changed=0\ *) echo "second run of the role: $recap" ;;
        second:*) echo "the second run of the role changed something: $recap" >&2; exit 1 ;;
    esac
done
