#!/usr/bin/env bash
# A script target, not a role target: the collection's own role
# roles/mapr_license would otherwise shadow this target's tasks (ansible-test
# runs role targets by bare name, and collection roles win).
set -eux
ansible-playbook playbook.yml -i "${INVENTORY_PATH:-localhost,}" -e @../../integration_config.yml "$@"
