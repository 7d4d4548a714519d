#!/usr/bin/env bash
# Offline ansible-test sanity: pre-create the per-test virtualenvs that
# ansible-test would otherwise pip-install into (PyPI is unreachable in CI).
# Each venv is created with --system-site-packages over Debian's packages
# (python3-voluptuous yamllint pycodestyle pylint python3-packaging) and
# marked complete, so ansible-test skips its pip step.
#
# Adapted from shared/tools/seed-sanity-venvs.sh: the venv paths are found
# by running each test on a tiny scratch collection (the path depends on the
# test's requirements, not on the collection), so seeding costs a few seconds
# and never runs the real, slow tests twice.
#
# Usage: seed-sanity-venvs.sh [python-version]
set -euo pipefail

python_version=${1:-3.11}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

coll=$scratch/ansible_collections/seed/venvs
mkdir -p "$coll/plugins/modules" "$coll/plugins/action" "$coll/plugins/plugin_utils" "$coll/meta" \
    "$coll/tests/integration/targets/t"
printf 'namespace: seed\nname: venvs\nversion: 1.0.0\nreadme: README.md\nauthors: [x]' >"$coll/galaxy.yml"
printf -- '---\nrequires_ansible: ">=2.14.0"\n' >"$coll/meta/runtime.yml"
printf 'shippable/posix/group1\n' >"$coll/tests/integration/targets/t/aliases"
cat >"$coll/plugins/modules/m.py" <<'PY'
#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type
DOCUMENTATION = r'''
module: m
short_description: m
description: m
author: x
options: {}
'''
EXAMPLES = r'''#'''
RETURN = r'''#'''
PY
printf 'from __future__ import (absolute_import, division, print_function)\n__metaclass__ = type\n' \
    >"$coll/plugins/plugin_utils/u.py"
git -C "$coll" init -q

cd "$coll"
for t in ansible-doc validate-modules yamllint pep8 pylint runtime-metadata import integration-aliases; do
    # A test may need more than one venv (import: modules and plugins).
    for _ in 1 2 3; do
        out=$(ansible-test sanity --local --python "$python_version" --test "$t" 2>&1 || true)
        p=$(grep -o '[^"]*/.ansible/test/venv/[^"]*/bin/python' <<<"$out" | head -1 || true)
        [ -z "$p" ] && break
        v=${p%/bin/python}
        rm -rf "$v"
        /usr/bin/python3 -m venv --without-pip --system-site-packages "$v"
        echo '[]' >"$v/meta.install.json"
        echo '{"yaml": true, "cloader": true}' >"$v/meta.yaml.json"
        touch "$v/marker.txt"
        echo "sanity: seeded $v"
    done
done
