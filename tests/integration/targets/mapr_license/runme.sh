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
