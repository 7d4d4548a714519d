#!/usr/bin/env bash
# make awx-deploy: the AWX custom resources the platform.ops.awx_deploy role
# renders are what the awx-operator's CRD accepts.
#
# 1. The CRD (tests/schemas/awx-operator/, a copy of the operator's) becomes
#    a strict JSON schema for kubeconform (crd_to_jsonschema.py).
# 2. Every scenario in scenarios/ (the defaults, the seed's Rancher example,
#    edge cases) is rendered by the role through render.yml: written, then
#    unchanged on a second run and under --check, read back equal.
# 3. kubeconform -strict validates every rendered manifest: all valid.
# 4. Every hand-written manifest in wrong/ (a map where the CRD wants a
#    string of YAML, a number for a quantity, an unknown field...) must be
#    refused by the same validation, with the message in its "# expect:" line.
# 5. Bad role input (failures/) fails the role with a message naming the
#    variable, and a kubeconfig sends the role to the cluster (an unreachable
#    one here: the CRD lookup fails naming its address).
#
# Usage: run.sh KUBECONFORM
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
kubeconform=${1:?usage: run.sh KUBECONFORM}
here="$repo/tests/awx_deploy"
out="$repo/build/awx_deploy"
rm -rf "$out" && mkdir -p "$out/manifests" "$out/schemas"
export ANSIBLE_COLLECTIONS_PATH="${PLATFORM_OPS_COLLECTIONS_PATH:-$repo/build/collections}"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=1

/usr/bin/python3 "$here/crd_to_jsonschema.py" "$repo/tests/schemas/awx-operator/awx.ansible.com_awxs.yaml" "$out/schemas"
location="$out/schemas/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"

scenarios=0
for scenario in "$here"/scenarios/*.yml; do
    name=$(basename "$scenario" .yml)
    ansible-playbook -i localhost, "$here/render.yml" -e "@$scenario" \
        -e "awx_deploy_manifest_path=$out/manifests/$name.yml" >"$out/$name.log" 2>&1 ||
        { cat "$out/$name.log" >&2; echo "awx-deploy: scenario $name failed" >&2; exit 1; }
    scenarios=$((scenarios + 1))
done
echo "awx-deploy: $scenarios scenarios rendered; each written once, unchanged on a second run and under --check"

"$kubeconform" -strict -summary -schema-location "$location" "$out"/manifests/*.yml

wrong=0
for manifest in "$here"/wrong/*.yml; do
    expect=$(sed -n '1s/^# expect: //p' "$manifest")
    [ -n "$expect" ] || { echo "awx-deploy: $manifest has no '# expect:' first line" >&2; exit 1; }
    if result=$("$kubeconform" -strict -schema-location "$location" "$manifest" 2>&1); then
        echo "awx-deploy: kubeconform accepted $(basename "$manifest"), which the CRD must refuse" >&2
        exit 1
    fi
    if ! grep -qF -- "$expect" <<<"$result"; then
        echo "awx-deploy: $(basename "$manifest") was refused, but not with \"$expect\": $result" >&2
        exit 1
    fi
    wrong=$((wrong + 1))
done
echo "awx-deploy: kubeconform refused all $wrong wrongly-typed manifests in wrong/, each with the expected message"

failures=0
for vars in "$here"/failures/*.yml; do
    name=$(basename "$vars" .yml)
    expect=$(sed -n 's/^# expect: //p' "$vars")
    if ansible-playbook -i localhost, "$here/render.yml" -e "@$vars" \
        -e "awx_deploy_manifest_path=$out/$name.yml" >"$out/$name.log" 2>&1; then
        echo "awx-deploy: the role accepted failures/$name.yml" >&2
        exit 1
    fi
    grep -qF -- "$expect" "$out/$name.log" ||
        { cat "$out/$name.log" >&2; echo "awx-deploy: failures/$name.yml did not fail with \"$expect\"" >&2; exit 1; }
    [ ! -e "$out/$name.yml" ] || { echo "awx-deploy: failures/$name.yml still wrote a manifest" >&2; exit 1; }
    failures=$((failures + 1))
done
echo "awx-deploy: the role refused all $failures bad inputs in failures/, naming the variable, and wrote nothing"

# A kubeconfig sends the role to the cluster instead of writing a file.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat >"$out/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: not-a-token}}]
contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
current-context: nowhere
YAML
if ansible-playbook -i localhost, "$here/render.yml" -e "awx_deploy_kubeconfig=$out/kubeconfig" \
    -e "awx_deploy_manifest_path=$out/not-written.yml" >"$out/kubeconfig.log" 2>&1; then
    echo "awx-deploy: the role did not try the cluster given by awx_deploy_kubeconfig" >&2
    exit 1
fi
grep -q "awx_deploy_kubeconfig $out/kubeconfig: cannot ask the cluster at https://127.0.0.1:$port" "$out/kubeconfig.log" ||
    { cat "$out/kubeconfig.log" >&2; echo "awx-deploy: with a kubeconfig the role should ask that cluster for the CRD" >&2; exit 1; }
[ ! -e "$out/not-written.yml" ] || { echo "awx-deploy: a manifest was written although a kubeconfig was given" >&2; exit 1; }
echo "awx-deploy: with awx_deploy_kubeconfig the role asks the cluster (kubernetes.core) and writes no file"
