# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This plugin util is PRIVATE to the collection. It can have breaking changes
# at any time. Do not use it from outside platform.ops.
"""The one place where platform.ops depends on ansible-core internals that changed shape.

Everything else in the dispatching action plugin uses the helpers every
action plugin uses (``_low_level_execute_command``, ``_transfer_file``,
``_execute_module``, ``_compute_environment_string``...), whose signatures
have stayed the same from 2.14 to the newest core read for this file, or our
own code (the binary's JSON result is parsed by ``parse_module_output``
below, not by ``ActionBase._parse_returned_data``, whose signature and return
type changed in 2.19 and again later).

Two internals remain, both wrapped here:

``ActionBase._configure_module``
    The classic strategy overrides it to hand Ansible our platform's binary
    instead of the doc-only stub. It returned the 4-tuple
    ``(module_style, shebang, module_data, module_path)`` up to 2.18; from
    2.19 it returns ``(_BuiltModule, module_path)``, a frozen dataclass from
    ``ansible.executor.module_common`` that later cores extended with
    defaulted fields (``has_async``, ``has_become``, ``command_lookup``...).
    :func:`binary_module_config` builds whichever shape the running core
    defines, and refuses one it does not know with a message naming the
    strategies that do not need it.
``ActionBase._update_module_args``
    Adds the ``_ansible_*`` keys (check mode, diff, no_log, verbosity...) to
    the arguments, exactly as Ansible sends them to any module. Its
    signature gained only an optional keyword (2.17); :func:`module_args`
    calls it positionally.

Tested end to end with ansible-core 2.14 (Debian) and 2.18; the 2.19+ shapes
are unit-tested against the definitions read from ansible-core's source.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import dataclasses
import json

from ansible.errors import AnsibleActionFail
from ansible.release import __version__ as CORE_VERSION

try:  # ansible-core 2.19 and later
    from ansible.executor.module_common import _BuiltModule as BUILT_MODULE
except ImportError:  # 2.14 - 2.18: _configure_module returns a 4-tuple
    BUILT_MODULE = None

# What a binary module is to ansible-core: no interpreter, copied as it is
# (empty module_data makes _execute_module transfer the file at module_path),
# its arguments written as JSON to a file ('legacy' is the serialization
# profile ansible-core gives every binary module).
BINARY_MODULE_FIELDS = {
    'b_module_data': b'',
    'module_style': 'binary',
    'shebang': None,
    'serialization_profile': 'legacy',
}

# Keys only action plugins may return (ansible.constants.INTERNAL_RESULT_KEYS).
INTERNAL_RESULT_KEYS = ('add_host', 'add_group')


def binary_module_config(binary_path, built_module=BUILT_MODULE, core_version=CORE_VERSION):
    """Return what ``_configure_module`` must return for the binary at binary_path.

    built_module is ansible-core's ``_BuiltModule`` class (None before 2.19);
    the parameters exist so the tests can pass the shapes of other cores.
    """
    if built_module is None:
        return ('binary', None, b'', binary_path)
    if not dataclasses.is_dataclass(built_module):
        raise AnsibleActionFail(
            'platform.ops: ansible-core %s builds modules in a way this collection does not know '
            '(_BuiltModule is not a dataclass), so the classic strategy cannot run here; '
            'set platform_ops_strategy to inplace or cache.' % core_version)
    known = {}
    unknown_required = []
    for field in dataclasses.fields(built_module):
        if field.name in BINARY_MODULE_FIELDS:
            known[field.name] = BINARY_MODULE_FIELDS[field.name]
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            unknown_required.append(field.name)
    missing = sorted(set(('b_module_data', 'module_style')) - set(known))
    if unknown_required or missing:
        raise AnsibleActionFail(
            'platform.ops: ansible-core %s builds modules with fields this collection does not know '
            '(%s), so the classic strategy cannot run here; set platform_ops_strategy to inplace or cache.'
            % (core_version, ', '.join(unknown_required + ['no ' + m for m in missing])))
    return (built_module(**known), binary_path)


def module_args(action, task_vars):
    """The task's arguments plus the ``_ansible_*`` keys, as Ansible sends them to any module."""
    args = dict(action._task.args)
    action._update_module_args(action._task.action, args, task_vars)
    return args


def parse_module_output(res):
    """Turn a command result (rc, stdout, stderr) into a module result and its warnings.

    The binary prints exactly one JSON object. Lines before it that do not
    start one (a login banner, tcgetattr noise over SSH) are skipped, and text
    after it is reported, as ansible-core does for every module. Anything else
    becomes ansible-core's "MODULE FAILURE" result with the raw output.
    """
    stdout = res.get('stdout') or ''
    warnings = []
    offset = 0
    for line in stdout.splitlines(True):
        if line.lstrip().startswith('{'):
            offset += len(line) - len(line.lstrip())
            break
        offset += len(line)
    try:
        if offset >= len(stdout):
            raise ValueError('No start of json char found')
        data, end = json.JSONDecoder().raw_decode(stdout, offset)
        if not isinstance(data, dict):
            raise ValueError('the module printed JSON that is not an object')
        trailing = stdout[end:].strip()
        if trailing:
            warnings.append('Module invocation had junk after the JSON data: %s' % trailing)
        data['_ansible_parsed'] = True
    except ValueError as error:
        data = {'failed': True, '_ansible_parsed': False, 'module_stdout': stdout,
                'msg': 'MODULE FAILURE: %s\nSee stdout/stderr for the exact error' % error}
        if 'stderr' in res:
            data['module_stderr'] = res['stderr']
        if 'rc' in res:
            data['rc'] = res['rc']
    return data, warnings


def clean_module_result(data):
    """Drop what a module may not return, as ansible-core does; return the warnings to show.

    Internal ``_ansible_*`` keys (except ``_ansible_parsed``) and the keys only
    action plugins may set are removed; empty warnings/deprecations are
    dropped; a non-list ``results`` is renamed so Ansible does not take the
    task for a loop; stdout/stderr get their ``_lines``.
    """
    warnings = []
    for key in list(data):
        if (key.startswith('_ansible_') and key != '_ansible_parsed') or key in INTERNAL_RESULT_KEYS:
            warnings.append('Removed unexpected internal key in module return: %s = %s' % (key, data[key]))
            del data[key]
    for key in ('warnings', 'deprecations'):
        if key in data and not data[key]:
            del data[key]
    if 'results' in data and not isinstance(data['results'], list):
        data['ansible_module_results'] = data.pop('results')
        warnings.append("Found internal 'results' key in module return, renamed to 'ansible_module_results'.")
    for key in ('stdout', 'stderr'):
        if key in data and key + '_lines' not in data:
            data[key + '_lines'] = (data.get(key) or '').splitlines()
    return warnings
