#!/usr/bin/env bash
# The ansible-core matrix's second leg: the action-plugin unit tests, every
# integration target (local connection), the SSH dispatch tests (every
# strategy, become, async, delegate_to) and the demo, run again on an
# ansible-core other than Debian's 2.14 (make test runs the 2.14 leg).
#
# The core comes from a source tarball (`git archive` of ansible/ansible's
# lib/ and bin/, no test/), by default ../shared/ansible-core/ next to the
# checkout. It runs on Debian's /usr/bin/python3 with the libraries Debian's
# ansible-core already pulls in. It has no ansible-test, so Debian's
# ansible-test 2.14 is the harness: it is put next to the tarball's `ansible`
# package, and ansible-test runs the `ansible` package beside it (its
# ansible-playbook, ansible and ansible-galaxy are the tarball's). Every
# target asserts the core it runs on (platform_ops_expect_core).
#
# Under CI a missing tarball fails the run; elsewhere this leg says plainly
# that it was not run.
#
# Usage: run.sh VERSION (e.g. 2.18)   env: PLATFORM_OPS_ANSIBLE_CORE_DIR
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
want=${1:?usage: run.sh VERSION (e.g. 2.18)}
source_dir=${PLATFORM_OPS_ANSIBLE_CORE_DIR:-$repo/../shared/ansible-core}

tarball=
for f in "$source_dir"/ansible-core-"$want".*.tar.gz; do
    [ -f "$f" ] && tarball=$f
done
if [ -z "$tarball" ]; then
    msg="ansible-core $want leg NOT RUN: no ansible-core-$want.*.tar.gz in $source_dir (set PLATFORM_OPS_ANSIBLE_CORE_DIR)"
    if [ -n "${CI:-}" ]; then
        echo "matrix: $msg; CI must run it" >&2
        exit 1
    fi
    echo "matrix: $msg"
    exit 0
fi

# Unpacked once per tarball content.
sum=$(sha256sum "$tarball" | cut -c1-16)
root="$repo/build/ansible-core-$want-$sum"
if [ ! -f "$root/.unpacked" ]; then
    rm -rf "$root" && mkdir -p "$root"
    tar -xzf "$tarball" -C "$root" --strip-components=1
    touch "$root/.unpacked"
fi
[ -d "$root/lib/ansible" ] || { echo "matrix: $tarball has no lib/ansible" >&2; exit 1; }

debian_ansible_test=$(/usr/bin/python3 -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
ln -sfn "$debian_ansible_test" "$root/lib/ansible_test"

# Wrappers on PATH: the tarball's CLIs (and Debian's ansible-test) with the
# tarball's lib first on PYTHONPATH.
bin="$root/path"
mkdir -p "$bin"
for cli in "$root"/bin/ansible*; do
    name=$(basename "$cli")
    target=$cli
    [ "$name" = ansible-test ] && target=/usr/bin/ansible-test
    # shellcheck disable=SC2016 # ${PYTHONPATH...} is expanded by the wrapper, not here
    printf '#!/bin/sh\nPYTHONPATH=%s${PYTHONPATH:+:$PYTHONPATH} exec /usr/bin/python3 %s "$@"\n' "$root/lib" "$target" >"$bin/$name"
    chmod 0755 "$bin/$name"
done
export PATH="$bin:$PATH"
export PLATFORM_OPS_EXPECT_CORE="$want"

version=$(ansible-playbook --version | sed -n '1s/.*\[core \(.*\)\].*/\1/p')
case "$version" in
    "$want".*) ;;
    *) echo "matrix: ansible-playbook from $tarball reports core '$version', expected $want.x" >&2; exit 1 ;;
esac
echo "matrix: ansible-core $version from $(basename "$tarball") (harness: Debian's ansible-test $(/usr/bin/ansible-test --version | awk '{print $NF}'))"

tree="$repo/build/ansible-test/ansible_collections/platform/ops"
results=()
step() {
    local name=$1 start=$SECONDS
    shift
    echo
    echo "=== matrix $version: $name ==="
    "$@"
    results+=("$name: ok ($((SECONDS - start)) s)")
}

step "units (tests/unit)" bash -c "cd '$tree' && ansible-test units --local --python 3.11 --color no"
step "integration targets, local" bash "$repo/tests/integration/run-local.sh" "$tree"
step "dispatch over SSH (every strategy)" bash "$repo/tests/ssh/run.sh"
step "demo" bash "$repo/tests/integration/demo.sh"

echo
echo "matrix: ansible-core $version:"
printf '  %s\n' "${results[@]}"
