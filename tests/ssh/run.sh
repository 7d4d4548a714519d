#!/usr/bin/env bash
# SSH integration harness: start Debian's sshd on a free loopback port with a
# throwaway host key, for a throwaway test user with a throwaway key, run
# tests/ssh/playbook.yml through it (every strategy, with become), then stop
# sshd and remove the users, keys and sudoers entry again.
#
# Users (created here, removed on exit):
#   platops-ssh     the connection user; passwordless sudo to anyone
#   platops-nobody  an unprivileged become target (no sudo, own home)
#
# Needs root (useradd, sshd). Usage: run.sh [extra ansible-playbook args]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
source "$repo/tests/integration/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "integration-ssh: needs root to create users and start sshd" >&2
    exit 1
fi

ssh_user=platops-ssh
become_user=platops-nobody
work=$(mktemp -d /tmp/platops-ssh.XXXXXX)
chmod 0755 "$work"
sshd_pid=

cleanup() {
    stop_emulator
    # Close ansible's persistent SSH masters first: their sessions keep the
    # test user busy and userdel would refuse to remove it.
    for sock in "$work"/cp/*; do
        if [ -S "$sock" ]; then ssh -o ControlPath="$sock" -O exit platops >/dev/null 2>&1 || true; fi
    done
    if [ -n "$sshd_pid" ]; then
        kill "$sshd_pid" 2>/dev/null || true
        wait "$sshd_pid" 2>/dev/null || true
    fi
    rm -f /etc/sudoers.d/platops-ssh
    for u in "$ssh_user" "$become_user"; do
        if id "$u" >/dev/null 2>&1; then
            # Left-overs of this run only (e.g. async_wrapper's watchdog): the
            # user exists for this harness alone.
            pids=$(pgrep -u "$u" || true)
            if [ -n "$pids" ]; then
                # shellcheck disable=SC2086
                kill $pids 2>/dev/null || true
                sleep 0.5
            fi
            userdel -r "$u" >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

for u in "$ssh_user" "$become_user"; do
    id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
    # sshd without PAM refuses accounts whose password field is locked ('!').
    usermod -p '*' "$u"
done
echo "$ssh_user ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/platops-ssh
chmod 0440 /etc/sudoers.d/platops-ssh

ssh-keygen -q -t ed25519 -N '' -C platops-host -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -C platops-user -f "$work/id_ed25519"
cp "$work/id_ed25519.pub" "$work/authorized_keys"
chmod 0644 "$work/authorized_keys"

port=$(free_port)
cat >"$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
AllowUsers $ssh_user
Subsystem sftp internal-sftp
LogLevel ERROR
CONF
mkdir -p /run/sshd
/usr/sbin/sshd -D -f "$work/sshd_config" -E "$work/sshd.log" &
sshd_pid=$!
if ! wait_tcp "$port" 20; then
    cat "$work/sshd.log" >&2
    exit 1
fi
echo "integration-ssh: sshd on 127.0.0.1:$port for $ssh_user"

if [ ! -x "$repo/build/kong-emulator" ]; then
    echo "integration-ssh: $repo/build/kong-emulator is missing (make emulator)" >&2
    exit 1
fi
start_emulator "$repo/build/kong-emulator" "$work/emulator.log"
echo "integration-ssh: Kong emulator at $KONG_EMULATOR_URL"

ssh_home=$(getent passwd "$ssh_user" | cut -d: -f6)
machine=$(uname -m)
case "$machine" in x86_64) machine=amd64 ;; aarch64) machine=arm64 ;; esac
platform="$(uname -s | tr '[:upper:]' '[:lower:]')_$machine"
binary_sha=$(awk -v f="platform_ops_$platform" '$2 == f { print $1 }' "$repo/binaries/SHA256SUMS")
if [ -z "$binary_sha" ]; then
    echo "integration-ssh: no platform_ops_$platform in binaries/SHA256SUMS (run make build)" >&2
    exit 1
fi

# Nothing is skipped: a module the playbook drives must be in the tree.
for m in kong_service mapr_clusterid; do
    if [ ! -f "$repo/plugins/action/$m.py" ]; then
        echo "integration-ssh: plugins/action/$m.py is missing (make docs)" >&2
        exit 1
    fi
done

# MapR homes with one cluster id, readable by everyone, by root only, and by
# the unprivileged become user only.
cluster_id=5427061983691452296
for owner in public root nobody; do
    home="$work/mapr-$owner"
    mkdir -p "$home/conf"
    echo "$cluster_id" >"$home/conf/clusterid"
    echo "ssh.cluster.test secure=false cldb1.ssh.test:7222 cldb2.ssh.test:7222" >"$home/conf/mapr-clusters.conf"
done
chmod -R go+rX "$work/mapr-public"
chmod 0700 "$work/mapr-root"
chown -R "$become_user" "$work/mapr-nobody"
chmod 0700 "$work/mapr-nobody"
cat >"$work/inventory.ini" <<INV
[ssh]
sshhost ansible_host=127.0.0.1 ansible_port=$port ansible_user=$ssh_user

# The local connection always uses the controller's platform: this variable
# must neither affect localhost's tasks nor tasks delegated to sshhost.
[local]
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 platform_ops_platform=aix_ppc64

[ssh:vars]
ansible_connection=ssh
ansible_ssh_private_key_file=$work/id_ed25519
ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
ansible_python_interpreter=/usr/bin/python3
platops_ssh_user=$ssh_user
platops_ssh_home=$ssh_home
platops_platform=$platform
platops_binary_sha=$binary_sha
platops_cluster_id=$cluster_id
platops_become_user=$become_user
platops_work=$work
kong_admin_url=$KONG_EMULATOR_URL
INV

# A cache from an earlier run would hide the first copy.
rm -rf "$ssh_home/.ansible/platform_ops"

mkdir -p "$work/cp"
cd "$repo/tests/ssh"
ANSIBLE_COLLECTIONS_PATH="${PLATFORM_OPS_COLLECTIONS_PATH:-$repo/build/collections}" \
ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp" \
ANSIBLE_HOST_KEY_CHECKING=False \
    ansible-playbook -i "$work/inventory.ini" -v "${PLAYBOOK:-playbook.yml}" "$@"
