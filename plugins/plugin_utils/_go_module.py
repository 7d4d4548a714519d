# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This plugin util is PRIVATE to the collection. It can have breaking changes
# at any time. Do not use it from outside platform.ops.
"""Run a platform.ops module: pick the target's binary and the cheapest way to run it.

Every module of the collection is one multi-call Go binary per platform,
``binaries/platform_ops_<goos>_<goarch>``, which dispatches on the last
dot-part of ``_ansible_module_name``. Each module has a generated action
plugin that subclasses :class:`GoModuleAction` with no body.

Strategies (task or host variable ``platform_ops_strategy``):

``auto`` (default)
    ``inplace`` for a local connection (including ``delegate_to: localhost``),
    ``cache`` otherwise, ``classic`` for ``async`` tasks.
``inplace``
    Run the collection's own binary on the controller, args JSON on stdin.
    Nothing is written to disk. Falls back to ``classic`` when the binary is
    not executable (e.g. a collection path mounted ``noexec``).
``cache``
    Copy the binary once per host and version into the connection user's
    ``~/.ansible/platform_ops/<sha256>/`` (verified against SHA256SUMS on the
    target, older versions pruned), then one remote command per task with the
    args on stdin. Falls back to ``classic`` for ``async``, for a become user
    who cannot execute the cached file, or when it cannot be executed.
``classic``
    Ansible's own binary module path: copy binary and args file to a remote
    temporary directory for every task (``_execute_module``).

The platform is the controller's own for a local connection, else the
``platform_ops_platform`` variable (``linux_arm64``), else gathered facts
(of the delegated host when ``delegate_to`` is set), else one ``uname -sm``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import getpass
import hashlib
import json
import os
import platform
import re
import secrets
import shlex
import time

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.platform.ops.plugins.plugin_utils import _core_compat

display = Display()

BINARY_PREFIX = 'platform_ops'
STRATEGIES = ('auto', 'inplace', 'cache', 'classic')

# Names reported by uname / facts / Python's platform module, mapped to Go's.
GOOS = {'linux': 'linux', 'darwin': 'darwin', 'freebsd': 'freebsd'}
GOARCH = {
    'x86_64': 'amd64', 'amd64': 'amd64',
    'aarch64': 'arm64', 'arm64': 'arm64',
    'i386': '386', 'i686': '386', '386': '386',
    'armv7l': 'arm', 'armv6l': 'arm',
    'ppc64le': 'ppc64le', 's390x': 's390x', 'riscv64': 'riscv64',
}

# Printed by the cache command when the cached binary is not there (or not
# executable by the user running it). Never valid module output.
CACHE_MISS = 'PLATFORM_OPS_CACHE_MISS_7f3c'
CACHE_ROOT = '.ansible/platform_ops'
# Internal argument: the seconds left of the task's timeout when the binary
# starts, so that a module can stop (and undo or finish what it started)
# and print its own result before Ansible stops waiting for it.
TASK_TIMEOUT_ARG = '_platform_ops_task_timeout'
SAFE_USER = re.compile(r'^[A-Za-z0-9._][A-Za-z0-9._-]*$')


def collection_root():
    """Return the collection's root directory (the one holding binaries/)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def go_platform(system, machine):
    """Map an OS/architecture pair as uname or facts spell it to 'goos_goarch'."""
    system = to_text(system).strip().lower()
    machine = to_text(machine).strip().lower()
    return '%s_%s' % (GOOS.get(system, system), GOARCH.get(machine, machine))


def available_platforms(binaries_dir):
    """List the platforms that have a binary in binaries_dir, sorted."""
    try:
        names = os.listdir(binaries_dir)
    except OSError:
        return []
    prefix = BINARY_PREFIX + '_'
    return sorted(n[len(prefix):] for n in names if n.startswith(prefix) and '.' not in n)


def binary_sha256(binary_path):
    """Return the binary's sha256: from SHA256SUMS next to it, else hashed here.

    SHA256SUMS is what the target verifies against, so a binary rebuilt
    without regenerating SHA256SUMS is refused on the target instead of being
    cached under a wrong key.
    """
    name = os.path.basename(binary_path)
    sums = os.path.join(os.path.dirname(binary_path), 'SHA256SUMS')
    try:
        with open(sums) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 2 and parts[1].lstrip('*') == name:
                    return parts[0].lower()
    except (IOError, OSError):
        pass
    digest = hashlib.sha256()
    with open(binary_path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


class GoModuleAction(ActionBase):
    """Shared action plugin of every platform.ops module."""

    def __init__(self, *args, **kwargs):
        super(GoModuleAction, self).__init__(*args, **kwargs)
        # ActionBase.__init__ resets these per instance; every module
        # implements check mode itself (it receives _ansible_check_mode), and
        # async runs through Ansible's async_wrapper on the classic path.
        self._supports_check_mode = True
        self._supports_async = True
        self._platform_ops_binary = None
        self._platform_ops_started = None
        self._platform_ops_on_controller = False
        self._platform_ops_tmp_files = []

    # --- entry point -----------------------------------------------------

    # Path options naming files on the controller (generated per module from
    # the Go Definition's ControllerFiles); see _resolve_controller_files.
    CONTROLLER_FILES = ()

    def run(self, tmp=None, task_vars=None):
        # The task's timeout (Ansible's SIGALRM) counts from about here.
        self._platform_ops_started = time.monotonic()
        task_vars = task_vars or {}
        result = super(GoModuleAction, self).run(tmp, task_vars)
        del tmp
        if result.get('skipped'):
            return result

        try:
            host_vars = self._host_vars(task_vars)
            strategy = self._requested_strategy(host_vars)
            local = self._is_local_connection()
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async

            if strategy == 'inplace' and not local:
                raise AnsibleActionFail(
                    "platform_ops_strategy=inplace needs a local connection (or delegate_to: localhost); "
                    "this task connects with '%s'. Use cache or classic." % self._connection.transport)

            target = self._target_platform(host_vars, local)
            binary = self._binary_for(target)

            if wrap_async:
                chosen = 'classic'
            elif strategy == 'auto':
                chosen = 'inplace' if local else 'cache'
            else:
                chosen = strategy
            if chosen == 'inplace' and not os.access(binary, os.X_OK):
                display.vvv('platform.ops: %s is not executable, using the classic strategy' % binary)
                chosen = 'classic'
            # Controller files are the controller's when the module runs here.
            self._platform_ops_on_controller = local

            data = None
            if chosen == 'inplace':
                data = self._run_inplace(binary, task_vars)
                if data is None:
                    chosen = 'classic'
            elif chosen == 'cache':
                data = self._run_cached(binary, target, task_vars)
                if data is None:
                    chosen = 'classic'
            if chosen == 'classic':
                data = self._run_classic(binary, task_vars, wrap_async)

            display.vvv('platform.ops: %s ran with the %s strategy on %s'
                        % (self._module_short_name(), chosen, target))
            if display.verbosity >= 1:
                data['_platform_ops'] = {'strategy': chosen, 'platform': target}
            result.update(data)
            return result
        finally:
            for tmp_file in self._platform_ops_tmp_files:
                self._loader.cleanup_tmp_file(tmp_file)
            if not self._task.async_val:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    # --- choosing ----------------------------------------------------------

    def _module_short_name(self):
        return self._task.action.split('.')[-1]

    def _host_vars(self, task_vars):
        """Variables of the host the module runs on (the delegated one if any)."""
        if self._task.delegate_to:
            delegated = task_vars.get('ansible_delegated_vars', {}).get(self._task.delegate_to)
            if delegated is not None:
                return delegated
        return task_vars

    def _var(self, host_vars, name):
        value = host_vars.get(name)
        if value is None:
            return None
        return self._templar.template(value)

    def _requested_strategy(self, host_vars):
        strategy = self._var(host_vars, 'platform_ops_strategy') or 'auto'
        strategy = to_text(strategy).strip().lower()
        if strategy not in STRATEGIES:
            raise AnsibleActionFail('platform_ops_strategy must be one of: %s, got: %s'
                                    % (', '.join(STRATEGIES), strategy))
        return strategy

    def _is_local_connection(self):
        return self._connection.transport.split('.')[-1] == 'local'

    def _target_platform(self, host_vars, local):
        """Return 'goos_goarch' of the machine the module will run on."""
        if local:
            return go_platform(platform.system(), platform.machine())

        forced = self._var(host_vars, 'platform_ops_platform')
        if forced:
            return to_text(forced).strip().lower()

        facts = host_vars.get('ansible_facts') or {}
        system = facts.get('system')
        machine = facts.get('architecture')
        if system and machine:
            return go_platform(self._templar.template(system), self._templar.template(machine))

        res = self._low_level_execute_command('uname -sm', sudoable=False)
        words = res.get('stdout', '').split()
        if res.get('rc') != 0 or len(words) < 2:
            raise AnsibleActionFail(
                'platform.ops could not find the target platform with `uname -sm` (rc=%s): %s. '
                'Set platform_ops_platform (e.g. linux_amd64) for this host.'
                % (res.get('rc'), (res.get('stderr') or res.get('stdout') or '').strip()))
        return go_platform(words[-2], words[-1])

    def _binary_for(self, target):
        binaries_dir = os.path.join(collection_root(), 'binaries')
        binary = os.path.join(binaries_dir, '%s_%s' % (BINARY_PREFIX, target))
        if not os.path.isfile(binary):
            available = available_platforms(binaries_dir)
            raise AnsibleActionFail(
                'platform.ops has no module binary for platform %s (needed by %s). '
                'Platforms available in %s: %s. Build them with `make collection` '
                '(all platforms) or `make build` (this controller only).'
                % (target, self._module_short_name(), binaries_dir,
                   ', '.join(available) if available else 'none'))
        return binary

    # --- strategies ----------------------------------------------------------

    def _module_args(self, task_vars):
        """Task args plus the _ansible_* keys, exactly as Ansible sends binary modules."""
        args = _core_compat.module_args(self, task_vars)
        if self._platform_ops_on_controller:
            self._resolve_controller_files(args)
        return self._with_task_timeout(args)

    def _resolve_controller_files(self, args):
        """Resolve the module's CONTROLLER_FILES options, as copy resolves src:
        a relative path through Ansible's search path (files/ of the role, the
        playbook's directory, ...); an Ansible Vault file decrypted into a
        private temporary copy (removed when the task ends)."""
        for option in self.CONTROLLER_FILES:
            value = args.get(option)
            if value is None:
                continue
            paths = value if isinstance(value, list) else [value]
            resolved = []
            for path in paths:
                path = to_text(path)
                if not os.path.isabs(path):
                    path = self._find_needle('files', path)
                real = self._loader.get_real_file(path, decrypt=True)
                if real != path:
                    self._platform_ops_tmp_files.append(real)
                resolved.append(real)
            args[option] = resolved if isinstance(value, list) else resolved[0]

    def _with_task_timeout(self, module_args):
        """Add what is left of the task's timeout (not for async tasks, which
        Ansible times differently)."""
        timeout = self._task.timeout
        if timeout and not self._task.async_val:
            started = self._platform_ops_started if self._platform_ops_started is not None else time.monotonic()
            left = float(timeout) - (time.monotonic() - started)
            module_args[TASK_TIMEOUT_ARG] = round(max(left, 0.001), 3)
        return module_args

    def _command(self, executable_expr):
        """Shell command running executable_expr with the task's environment.

        executable_expr is already shell-safe (quoted or a ~user path).
        """
        env_string = self._compute_environment_string().strip()
        return ('%s %s' % (env_string, executable_expr)).strip()

    def _run_inplace(self, binary, task_vars):
        """Run the collection's binary on the controller; None asks for the classic path."""
        module_args = self._module_args(task_vars)
        cmd = self._command(shlex.quote(binary))
        res = self._low_level_execute_command(cmd, in_data=to_bytes(json.dumps(module_args)))
        if self._cannot_execute(res):
            # e.g. a become_user who may not read the collection's directory
            display.vvv('platform.ops: %s cannot be executed here (%s), using the classic strategy'
                        % (binary, res.get('stderr', '').strip()))
            return None
        return self._finish(res)

    @staticmethod
    def _cannot_execute(res):
        """True when the shell could not start the binary (permission denied, noexec)."""
        return res.get('rc') == 126 and not res.get('stdout', '').strip()

    def _run_classic(self, binary, task_vars, wrap_async):
        self._platform_ops_binary = binary
        return self._execute_module(module_name=self._task.action, module_args=self._with_task_timeout(dict(self._task.args)),
                                    task_vars=task_vars, wrap_async=wrap_async)

    def _configure_module(self, module_name, module_args, task_vars):
        """Hand Ansible's classic path our platform's binary instead of the doc stub."""
        if self._platform_ops_binary and module_name == self._task.action:
            # Ansible copies binary modules as they are (empty module_data
            # means "transfer the file"), so there is no need to read 6 MB
            # here. The shape of this return value depends on the core.
            return _core_compat.binary_module_config(self._platform_ops_binary)
        return super(GoModuleAction, self)._configure_module(module_name, module_args, task_vars)

    def _cache_user_home(self, local):
        """Shell expression for the connection user's home (tilde form).

        ~user keeps pointing at the connection user's cache when the command
        runs under become. Only an unknown remote user under become costs an
        extra command to expand ~.
        """
        user = getpass.getuser() if local else self._get_remote_user()
        if user and SAFE_USER.match(user):
            return '~' + user
        if not self._connection.become:
            return '~'
        home = self._remote_expand_user('~', sudoable=False)
        return shlex.quote(home)

    def _run_cached(self, binary, target, task_vars):
        """Run from the per-host cache; return None to ask for the classic path."""
        sha = binary_sha256(binary)
        name = os.path.basename(binary)
        home = self._cache_user_home(self._is_local_connection())
        cached = '%s/%s/%s/%s' % (home, CACHE_ROOT, sha, name)
        run_cmd = 'if [ -x %s ]; then %s; else echo %s; fi' % (cached, self._command(cached), CACHE_MISS)
        module_args = to_bytes(json.dumps(self._module_args(task_vars)))

        res = self._low_level_execute_command(run_cmd, in_data=module_args)
        if CACHE_MISS not in res.get('stdout', ''):
            if self._cannot_execute(res):
                display.vvv('platform.ops: cached binary cannot be executed, using the classic strategy')
                return None
            return self._finish(res)

        uploaded = self._populate_cache(binary, target, sha, name, home)
        res = self._low_level_execute_command(run_cmd, in_data=module_args)
        if CACHE_MISS in res.get('stdout', ''):
            display.vvv('platform.ops: the cached binary is not executable by %s (uploaded: %s), '
                        'using the classic strategy'
                        % (self.get_become_option('become_user') if self._connection.become else 'the connection user',
                           uploaded))
            return None
        return self._finish(res)

    def _populate_cache(self, binary, target, sha, name, home):
        """Copy the binary into the cache once, verify it and prune older versions.

        Runs as the connection user (never under become) so the cache lands in
        that user's home. Returns whether a copy was made.
        """
        root = '%s/%s' % (home, CACHE_ROOT)
        final = '%s/%s/%s' % (root, sha, name)
        sum_cmd = '{ sha256sum "$f" 2>/dev/null || shasum -a 256 "$f"; } | cut -d" " -f1'
        prepare = ('f=%(final)s; if [ -x "$f" ] && [ "$(%(sum)s)" = %(sha)s ]; then echo PRESENT; '
                   'else umask 077 && mkdir -p %(root)s/%(sha)s && cd %(root)s/%(sha)s && pwd; fi'
                   % dict(final=final, sum=sum_cmd, sha=sha, root=root))
        res = self._low_level_execute_command(prepare, sudoable=False)
        out = res.get('stdout', '').strip()
        if res.get('rc') != 0 or not out:
            raise AnsibleActionFail('platform.ops could not create its cache directory %s/%s on the target: %s'
                                    % (root, sha, (res.get('stderr') or out).strip()))
        if out.splitlines()[-1] == 'PRESENT':
            return False

        directory = out.splitlines()[-1]
        tmp_name = '.%s.%s.tmp' % (name, secrets.token_hex(6))
        self._transfer_file(binary, '%s/%s' % (directory, tmp_name))
        install = ('cd %(dir)s && f=%(tmp)s && chmod 0700 "$f" && s="$(%(sum)s)" && '
                   'if [ "$s" = %(sha)s ]; then mv -f "$f" %(name)s; else rm -f "$f"; '
                   'echo "sha256 mismatch: got $s" >&2; exit 3; fi && '
                   'for d in %(root)s/*; do [ "$d" = %(root)s/%(sha)s ] || rm -rf "$d"; done'
                   % dict(dir=shlex.quote(directory), tmp=shlex.quote(tmp_name), sum=sum_cmd,
                          sha=sha, name=shlex.quote(name), root=root))
        res = self._low_level_execute_command(install, sudoable=False)
        if res.get('rc') != 0:
            raise AnsibleActionFail(
                'platform.ops could not install its %s binary in the cache %s on the target: %s. '
                'If the checksum differs, binaries/SHA256SUMS is stale: run `make build`.'
                % (target, directory, (res.get('stderr') or res.get('stdout') or '').strip()))
        display.vv('platform.ops: cached %s in %s' % (name, directory))
        return True

    # --- results -----------------------------------------------------------

    def _finish(self, res):
        """Turn a raw command result into a module result, as _execute_module does."""
        data, warnings = _core_compat.parse_module_output(res)
        warnings += _core_compat.clean_module_result(data)
        for warning in warnings:
            display.warning(warning)
        return wrap_var(data)
