#!/usr/bin/env bash
# Install what `make test` / `make demo` need on Debian 12, only when missing.
# Idempotent and silent when everything is present.
set -euo pipefail

# Debian package -> why we need it.
packages=(
    ansible-core        # ansible-playbook, ansible-test, ansible-galaxy (2.14)
    ansible-lint        # make lint (6.13)
    deck                # decK 1.4.0: the emulator's decK smoke (tests/kongemu/conformance.sh)
    openssh-server      # sshd for the SSH integration harness (tests/ssh)
    sudo                # become in the SSH harness
    acl                 # setfacl: become to an unprivileged user on the classic path
    python3-voluptuous  # ansible-test sanity, offline (validate-modules, runtime-metadata)
    yamllint
    pycodestyle
    pylint
    shellcheck
    python3-packaging
    python3-venv        # seed-sanity-venvs.sh creates the venvs ansible-test sanity expects
    python3-pytest      # ansible-test units (tests/unit), offline
    python3-pytest-mock
    python3-pytest-xdist
    python3-pytest-forked
    python3-mock
    python3-jsonschema  # tests/awx: AWX's and ansible-builder's schemas (also an ansible-lint dependency)
    ansible             # awx.awx 21.14 (awx/setup_demo.yml) and kubernetes.core 2.4 (roles/awx_deploy); 17 MB
    python3-kubernetes  # kubernetes.core's client: roles/awx_deploy applies with a kubeconfig (make awx-deploy)
    python3-ansible-runner  # make awx-job: the demo and a MapR playbook run as AWX runs a job (2.3.1)
    git                 # the sanity/integration tree is built from `git ls-files`
    procps              # pgrep: the SSH harness ends its throwaway users' leftover processes
    gcc                 # cgo, which go test -race needs (make race)
    libc6-dev
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "deps: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null && [ ! -x /usr/local/go/bin/go ]; then
    echo "deps: Go $(sed -n 's/^go //p' go.mod) or newer is required (https://go.dev/dl/); not found on PATH" >&2
    exit 1
fi

# Go tools, pinned, built from the Go module proxy into build/tools (make
# staticcheck). Reinstalled only when missing or of another version.
go_bin=$(command -v go || echo /usr/local/go/bin/go)
staticcheck_version=v0.8.2
if ! build/tools/staticcheck -version 2>/dev/null | grep -q "(${staticcheck_version#v})"; then
    echo "deps: installing staticcheck ${staticcheck_version}"
    mkdir -p build/tools
    GOBIN="$PWD/build/tools" "$go_bin" install "honnef.co/go/tools/cmd/staticcheck@${staticcheck_version}"
fi

# kubeconform, pinned, built from source through the Go module proxy into
# build/tools: make awx-deploy validates the AWX custom resources the
# awx_deploy role renders against the awx-operator's CRD with it.
KUBECONFORM_VERSION=v0.8.0
kubeconform=build/tools/kubeconform
if ! "$go_bin" version -m "$kubeconform" 2>/dev/null | grep -q "mod[[:space:]]*github.com/yannh/kubeconform[[:space:]]*$KUBECONFORM_VERSION"; then
    echo "deps: building kubeconform $KUBECONFORM_VERSION into $kubeconform"
    GOBIN="$PWD/build/tools" CGO_ENABLED=0 "$go_bin" install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi
