# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the demo and a MapR playbook the way AWX runs a job, and check the job events.

What AWX does for a job template (awx/main/tasks/jobs.py, RunJob), done here
with Debian's ansible-runner (python3-ansible-runner):

- the execution environment has the collection installed from the release
  tarball into /usr/share/ansible/collections (execution-environment.yml);
  here that is <work>/ee/usr/share/ansible/collections;
- a private data dir per job: project/ (the project checkout), inventory/hosts
  (an executable script printing the inventory as JSON), env/extravars
  (YAML), env/settings (JSON: job_timeout, suppress_ansible_output,
  suppress_output_file) and env/cmdline;
- credentials of a custom credential type are injected as environment
  variables (CredentialType.inject_credential renders the type's env
  injectors in a Jinja2 sandbox): here from awx/credential_types/
  kong_admin_api.yml, so KONG_ADMIN_URL and KONG_ADMIN_TOKEN reach the Kong
  modules from the environment only, never from a file or an extra var;
- ansible_runner.interface.run(..., envvars=env, suppress_env_files=True),
  as AWX_RUNNER_OMIT_ENV_FILES does, so the environment is not written to
  env/envvars.

The Kong emulator requires an admin token (RBAC), so a job whose credential
lacks it fails with Kong's 401. Checked from the job events ansible-runner
writes (artifacts/<ident>/job_events): the first demo run changes things,
the second changes nothing, the MapR job likewise; the token and the demo's
API key appear in no event and no file of the private data dir except
artifacts/<ident>/command, where ansible-runner itself records the job's
environment (mode 0600; AWX keeps it in the job's private data dir, deleted
after the job, and shows only a masked copy of the environment).

Usage: runner_job.py --tarball dist/platform-ops-X.tar.gz --emulator build/kong-emulator --go go
"""

import argparse
import collections
import glob
import json
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

import ansible_runner

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(REPO, 'awx', 'credential_types', 'kong_admin_api.yml')
CLUSTER_ID = '5119043355327235351'


class JobFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise JobFailure(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_tcp(port, deadline=20.0):
    end = time.time() + deadline
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.1)


def inject_credential(credential_type, inputs):
    """The environment AWX adds for a credential (CredentialType.inject_credential, env injectors)."""
    namespace = dict((k, v) for k, v in inputs.items() if isinstance(v, bool) or len(v))
    sandbox = ImmutableSandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type['injectors'].get('env', {}).items())


class Job:
    """One AWX-style job: its private data dir, its run, its events."""

    def __init__(self, work, ident, name, playbook, hostvars, groups, extra_vars, credential, ee_collections,
                 secret_env=None):
        self.ident = str(ident)
        self.name = name
        self.playbook = playbook
        self.pdd = os.path.join(work, 'jobs', self.ident)
        self.home = os.path.join(work, 'home')
        self.hostvars = hostvars
        self.groups = groups
        self.extra_vars = extra_vars
        self.credential = credential
        self.ee_collections = ee_collections
        self.secret_env = secret_env or {}
        self.result = None
        self.events = []

    def lay_out(self):
        """build_private_data_dir, build_project_dir, the inventory script and the env/ files."""
        os.makedirs(self.pdd, mode=0o700)
        for sub in ('inventory', 'env'):
            os.mkdir(os.path.join(self.pdd, sub))
        # The project: a checkout of the repository holding the playbooks.
        shutil.copytree(os.path.join(REPO, 'playbooks'), os.path.join(self.pdd, 'project', 'playbooks'))
        inventory = {'all': {'children': sorted(self.groups)}, '_meta': {'hostvars': self.hostvars}}
        for group, hosts in self.groups.items():
            inventory[group] = {'hosts': hosts}
        write(os.path.join(self.pdd, 'inventory', 'hosts'),
              '#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n' % json.dumps(inventory), 0o700)
        extra_vars = dict(self.extra_vars)
        extra_vars.update({'awx_job_id': int(self.ident), 'awx_job_template_name': self.name,
                           'tower_job_id': int(self.ident), 'tower_job_template_name': self.name})
        write(os.path.join(self.pdd, 'env', 'extravars'), yaml.safe_dump(extra_vars), 0o600)
        write(os.path.join(self.pdd, 'env', 'settings'),
              json.dumps({'job_timeout': 300, 'suppress_ansible_output': True, 'suppress_output_file': True}), 0o600)
        write(os.path.join(self.pdd, 'env', 'cmdline'), '-u root', 0o600)

    def environment(self, credential_type):
        """build_env of RunJob (the parts that matter outside AWX) plus the injected credential."""
        env = {
            # AWX's ANSIBLE_* settings (awx/settings/defaults.py)
            'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_PARAMIKO_RECORD_HOST_KEYS': 'False',
            'ANSIBLE_FORCE_COLOR': 'True',
            'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'True',
            'AWX_PRIVATE_DATA_DIR': self.pdd,
            'JOB_ID': self.ident,
            'INVENTORY_ID': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'MAX_EVENT_RES': '700000',
            'ANSIBLE_SSH_CONTROL_PATH_DIR': os.path.join(self.pdd, 'cp'),
            'HOME': self.home,
        }
        for key in ('ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_COLLECTIONS_PATH'):
            env[key] = ':'.join([os.path.join(self.pdd, 'requirements_collections'), '~/.ansible/collections',
                                 self.ee_collections])
        env['ANSIBLE_ROLES_PATH'] = os.path.join(self.pdd, 'requirements_roles')
        if self.credential is not None:
            env.update(inject_credential(credential_type, self.credential))
        env.update(self.secret_env)
        return env

    def run(self, credential_type):
        self.lay_out()
        self.result = ansible_runner.interface.run(
            ident=self.ident,
            private_data_dir=self.pdd,
            playbook=self.playbook,
            inventory=os.path.join(self.pdd, 'inventory', 'hosts'),
            envvars=self.environment(credential_type),
            suppress_env_files=True,
            quiet=True,
        )
        paths = glob.glob(os.path.join(self.pdd, 'artifacts', self.ident, 'job_events', '*.json'))
        events = []
        for path in paths:
            with open(path) as handle:
                events.append(json.load(handle))
        self.events = sorted(events, key=lambda e: e['counter'])
        return self

    # --- what the events say -----------------------------------------------

    def counts(self):
        return collections.Counter(e['event'] for e in self.events)

    def module_results(self):
        """(task name, changed) of every platform.ops task result, in order."""
        out = []
        for event in self.events:
            data = event.get('event_data', {})
            if event['event'] in ('runner_on_ok', 'runner_on_failed') and \
                    str(data.get('resolved_action') or data.get('task_action', '')).startswith('platform.ops.'):
                out.append((data.get('task'), bool(data.get('res', {}).get('changed')), event['event']))
        return out

    def stats(self):
        stats = [e for e in self.events if e['event'] == 'playbook_on_stats']
        check(len(stats) == 1, '%s: expected one playbook_on_stats event, got %d' % (self.name, len(stats)))
        return stats[0]['event_data']

    def summary(self):
        counts = self.counts()
        changed = sum(1 for dummy, c, dummy2 in self.module_results() if c)
        return '%s: %s, rc=%s, %d events (%s); platform.ops results: %d, changed: %d' % (
            self.name, self.result.status, self.result.rc, len(self.events),
            ', '.join('%s %d' % (k, counts[k]) for k in sorted(counts)),
            len(self.module_results()), changed)

    def files_holding(self, secret):
        """Files under the private data dir whose bytes contain secret (relative paths)."""
        found = []
        needle = secret.encode()
        for root, dirs, files in os.walk(self.pdd):
            for name in files:
                path = os.path.join(root, name)
                if os.path.islink(path):
                    continue
                with open(path, 'rb') as handle:
                    if needle in handle.read():
                        found.append(os.path.relpath(path, self.pdd))
        return sorted(found)

    def events_holding(self, secret):
        return [e['counter'] for e in self.events if secret in json.dumps(e)]


def write(path, content, mode):
    with open(path, 'w') as handle:
        handle.write(content)
    os.chmod(path, mode)


def assert_changed_then_ok(first, second, minimum_changed):
    for job in (first, second):
        failed = [e.get('stdout') for e in job.events if e['event'] == 'runner_on_failed']
        check(job.result.status == 'successful' and job.result.rc == 0,
              '%s: status %s rc %s; failed tasks: %s' % (job.name, job.result.status, job.result.rc, failed))
        check(job.counts()['runner_on_failed'] == 0, '%s: failed task events' % job.name)
    changed_first = [t for t, c, dummy in first.module_results() if c]
    check(len(changed_first) >= minimum_changed,
          '%s: expected at least %d changed platform.ops results, got %s' % (first.name, minimum_changed, changed_first))
    check(sum(first.stats()['changed'].values()) >= minimum_changed, '%s: stats report no change' % first.name)
    check(len(second.module_results()) == len(first.module_results()),
          '%s: %d platform.ops results, the first run had %d'
          % (second.name, len(second.module_results()), len(first.module_results())))
    changed_second = [t for t, c, dummy in second.module_results() if c]
    check(changed_second == [], '%s: changed on the second run: %s' % (second.name, changed_second))
    check(sum(second.stats()['changed'].values()) == 0, '%s: stats changed %s' % (second.name, second.stats()['changed']))


def assert_no_secret(job, secret, what):
    in_events = job.events_holding(secret)
    check(in_events == [], '%s: %s in events %s' % (job.name, what, in_events))
    holders = job.files_holding(secret)
    command = os.path.join('artifacts', job.ident, 'command')
    check(set(holders) <= {command}, '%s: %s in %s' % (job.name, what, holders))
    return holders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--tarball', required=True)
    parser.add_argument('--emulator', required=True)
    parser.add_argument('--go', default='go')
    parser.add_argument('--keep', action='store_true', help='keep the work directory')
    args = parser.parse_args()

    # Nothing from the caller's shell may stand in for the credential.
    for name in ('KONG_ADMIN_URL', 'KONG_ADMIN_TOKEN', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS',
                 'DEMO_API_KEY'):
        os.environ.pop(name, None)
    os.environ['PATH'] = '/usr/bin:/bin:/usr/sbin:/sbin'

    with open(CREDENTIAL_TYPE) as handle:
        credential_type = yaml.safe_load(handle)

    work = tempfile.mkdtemp(prefix='platops-awx-')
    emulator = None
    try:
        # The execution environment: the release tarball installed as
        # execution-environment.yml installs it (umask 022, /usr/share/ansible/collections).
        ee_collections = os.path.join(work, 'ee', 'usr', 'share', 'ansible', 'collections')
        old_umask = os.umask(0o022)
        try:
            subprocess.run(['ansible-galaxy', 'collection', 'install', '--offline', '-p', ee_collections,
                            os.path.abspath(args.tarball)], check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ee_collections))
        finally:
            os.umask(old_umask)
        installed = os.path.join(ee_collections, 'ansible_collections', 'platform', 'ops')
        binaries = glob.glob(os.path.join(installed, 'binaries', 'platform_ops_*'))
        check(binaries and all(os.stat(b).st_mode & stat.S_IXOTH for b in binaries),
              'the installed binaries are not executable by an arbitrary UID: %s' % binaries)
        os.makedirs(os.path.join(work, 'home'))
        print('runner-job: %s installed into the EE collections path (%d binaries, mode 0755)'
              % (os.path.basename(args.tarball), len(binaries)))

        token = 'platops-' + secrets.token_hex(16)
        port = free_port()
        emulator = subprocess.Popen([os.path.abspath(args.emulator), '--listen', '127.0.0.1:%d' % port,
                                     '--admin-token', token, '--quiet'],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kong_url = 'http://127.0.0.1:%d' % port
        wait_tcp(port)
        print('runner-job: Kong emulator at %s requires an admin token' % kong_url)

        # A fresh MapR node (tests/maprfake) for mapr_cluster.yml.
        fake = os.path.join(work, 'maprfake')
        subprocess.run([args.go, 'build', '-o', fake, './tests/maprfake/cmd/maprfake'], check=True, cwd=REPO,
                       env=dict(os.environ, CGO_ENABLED='0', HOME=os.path.expanduser('~'),
                                PATH=os.environ['PATH'] + ':/usr/local/go/bin'))
        mapr_home = os.path.join(work, 'mapr')
        subprocess.run([fake, 'setup', mapr_home, '-cluster-id', CLUSTER_ID], check=True, stdout=subprocess.DEVNULL)
        # mapr_cluster.yml configures a secure cluster: configure.sh -secure
        # on a node that is not the first CLDB needs the cluster's key and
        # server ticket copied from it first.
        for name in ('cldb.key', 'maprserverticket'):
            write(os.path.join(mapr_home, 'conf', name), 'copied from the first CLDB node\n', 0o600)

        local = {'ansible_connection': 'local', 'ansible_python_interpreter': '/usr/bin/python3',
                 'remote_tower_id': 1}
        # The demo's consumer key (key-auth, no_log in the module) comes from
        # DEMO_API_KEY, which a second credential would inject in AWX.
        api_key = 'demo-key-' + secrets.token_hex(12)
        demo = dict(playbook='playbooks/demo.yml', hostvars={'localhost': local}, groups={'controller': ['localhost']},
                    extra_vars={}, ee_collections=ee_collections, secret_env={'DEMO_API_KEY': api_key})
        kong_credential = {'admin_url': kong_url, 'admin_token': token}
        mapr = dict(playbook='playbooks/mapr_cluster.yml',
                    hostvars={'node1': local, 'cldb1': {}, 'cldb2': {}, 'zk1': {}},
                    groups={'mapr': ['node1'], 'cldb': ['cldb1', 'cldb2'], 'zookeeper': ['zk1']},
                    extra_vars={'mapr_cluster_mapr_home': mapr_home}, ee_collections=ee_collections)

        jobs = [
            Job(work, 1, 'demo, first run', credential=kong_credential, **demo).run(credential_type),
            Job(work, 2, 'demo, second run', credential=kong_credential, **demo).run(credential_type),
            Job(work, 3, 'demo, credential without the token', credential={'admin_url': kong_url}, **demo),
            Job(work, 4, 'mapr_cluster, first run', credential=None, **mapr).run(credential_type),
            Job(work, 5, 'mapr_cluster, second run', credential=None, **mapr).run(credential_type),
        ]
        jobs[2].run(credential_type)
        for job in jobs:
            print('runner-job: ' + job.summary())

        assert_changed_then_ok(jobs[0], jobs[1], minimum_changed=7)
        assert_changed_then_ok(jobs[3], jobs[4], minimum_changed=1)

        # Without the token the first Kong task fails with Kong's 401: the
        # token the credential injects is what lets the jobs above through.
        unauthorised = jobs[2]
        check(unauthorised.result.status == 'failed', '%s: status %s' % (unauthorised.name, unauthorised.result.status))
        failed = [e for e in unauthorised.events if e['event'] == 'runner_on_failed']
        check(len(failed) == 1 and '401' in json.dumps(failed[0]['event_data'].get('res', {})),
              '%s: expected one failed task with HTTP 401, got %s' % (unauthorised.name, [f['event_data'].get('res') for f in failed]))

        for job in jobs:
            holders = assert_no_secret(job, token, 'the admin token')
            assert_no_secret(job, api_key, "the demo's API key")
            if job.credential and job.credential.get('admin_token'):
                # The search works: ansible-runner's own record of the job's
                # environment holds the injected token (0600).
                command = os.path.join(job.pdd, 'artifacts', job.ident, 'command')
                check(holders == [os.path.relpath(command, job.pdd)],
                      '%s: the token should be in artifacts/%s/command only, found in %s' % (job.name, job.ident, holders))
                check(stat.S_IMODE(os.stat(command).st_mode) == 0o600, '%s: %s is not 0600' % (job.name, command))
            check(not os.path.exists(os.path.join(job.pdd, 'env', 'envvars')), '%s: env/envvars was written' % job.name)
        print('runner-job: the token and the API key are in no job event and no file of the private data dirs '
              'except ansible-runner\'s artifacts/<ident>/command (0600), in every job')
        total = sum(len(j.events) for j in jobs)
        print('runner-job: %d jobs, %d job events; demo changed then ok, mapr_cluster changed then ok, '
              'no token -> HTTP 401' % (len(jobs), total))
    except JobFailure as failure:
        print('runner-job: FAILED: %s (work directory kept: %s)' % (failure, work), file=sys.stderr)
        args.keep = True
        return 1
    finally:
        if emulator is not None:
            emulator.terminate()
            emulator.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
