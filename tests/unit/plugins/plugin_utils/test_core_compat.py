# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/plugin_utils/_core_compat.py, the shim over ansible-core internals.

The fake _BuiltModule classes below copy the shapes of ansible-core's
``ansible.executor.module_common._BuiltModule``: 2.19 (four fields) and the
later one with defaulted capability fields. The last tests hand what the shim
builds to the *running* core's own ``ActionBase._execute_module`` over a real
local connection, so the matrix (2.14 and 2.18) proves the shape that core
expects.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import dataclasses
import json
import os
import stat
import typing as t

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader
from ansible.release import __version__ as core_version
from ansible.template import Templar
from unittest.mock import MagicMock

from ansible_collections.platform.ops.plugins.plugin_utils import _core_compat
from ansible_collections.platform.ops.plugins.plugin_utils._go_module import GoModuleAction


@dataclasses.dataclass(kw_only=True, slots=True, frozen=True)
class BuiltModule219:
    """ansible-core 2.19's _BuiltModule."""
    b_module_data: bytes
    module_style: t.Literal['binary', 'new', 'non_native_want_json', 'old']
    shebang: t.Optional[str]
    serialization_profile: str


@dataclasses.dataclass(kw_only=True, slots=True, frozen=True)
class BuiltModuleLater:
    """The later _BuiltModule: capability fields with defaults and two hooks."""
    b_module_data: bytes
    module_style: t.Literal['binary', 'new', 'non_native_want_json', 'old']
    shebang: t.Optional[str]
    serialization_profile: str
    has_async: bool = False
    has_become: bool = False
    has_environment: bool = False
    command_lookup: t.Optional[t.Callable] = None
    process_result: t.Optional[t.Callable] = None

    def get_command_args(self, module_path, args_path, shell):
        if self.command_lookup:
            return self.command_lookup(module_path=module_path, args_path=args_path, shell=shell)
        return None


@dataclasses.dataclass(frozen=True)
class BuiltModuleWithNewRequiredField:
    b_module_data: bytes
    module_style: str
    shebang: t.Optional[str]
    serialization_profile: str
    capabilities: t.FrozenSet[str]


def test_before_2_19_the_binary_is_a_four_tuple():
    assert _core_compat.binary_module_config('/c/binaries/platform_ops_linux_amd64', built_module=None) == \
        ('binary', None, b'', '/c/binaries/platform_ops_linux_amd64')


def test_2_19_gets_a_built_module_and_the_path():
    built, path = _core_compat.binary_module_config('/c/bin', built_module=BuiltModule219, core_version='2.19.0')
    assert path == '/c/bin'
    assert built == BuiltModule219(b_module_data=b'', module_style='binary', shebang=None, serialization_profile='legacy')


def test_later_cores_keep_their_defaults_so_the_binary_is_run_the_classic_way():
    built, path = _core_compat.binary_module_config('/c/bin', built_module=BuiltModuleLater, core_version='2.21.0')
    assert (built.module_style, built.b_module_data, built.shebang, built.serialization_profile) == ('binary', b'', None, 'legacy')
    assert not (built.has_async or built.has_become or built.has_environment)
    # no command hook: _execute_module builds the usual "binary args_file" command
    assert built.get_command_args('/tmp/x/AnsiballZ_kong_service', '/tmp/x/args', shell=None) is None


def test_an_unknown_required_field_is_refused_naming_it_and_the_way_out():
    with pytest.raises(AnsibleActionFail) as failure:
        _core_compat.binary_module_config('/c/bin', built_module=BuiltModuleWithNewRequiredField, core_version='2.99.0')
    msg = str(failure.value)
    assert 'ansible-core 2.99.0' in msg
    assert '(capabilities)' in msg
    assert 'set platform_ops_strategy to inplace or cache' in msg


def test_a_built_module_that_is_no_dataclass_is_refused():
    with pytest.raises(AnsibleActionFail, match='not a dataclass.*inplace or cache'):
        _core_compat.binary_module_config('/c/bin', built_module=dict, core_version='2.99.0')


def test_the_running_core_gets_its_own_shape():
    config = _core_compat.binary_module_config('/c/bin')
    if _core_compat.BUILT_MODULE is None:
        assert len(config) == 4
    else:
        assert len(config) == 2 and isinstance(config[0], _core_compat.BUILT_MODULE)


@pytest.mark.parametrize('stdout, expected', [
    ('{"changed": false}', {'changed': False, '_ansible_parsed': True}),
    ('\n  {"changed": true, "a": [1, 2]}\n', {'changed': True, 'a': [1, 2], '_ansible_parsed': True}),
    ('Welcome to node7\nLast login: never\n{"changed": false}', {'changed': False, '_ansible_parsed': True}),
])
def test_module_output_is_the_one_json_object_after_any_banner(stdout, expected):
    data, warnings = _core_compat.parse_module_output({'rc': 0, 'stdout': stdout, 'stderr': ''})
    assert data == expected
    assert warnings == []


def test_text_after_the_json_object_is_reported():
    data, warnings = _core_compat.parse_module_output({'rc': 0, 'stdout': '{"changed": false}\nbye\n', 'stderr': ''})
    assert data == {'changed': False, '_ansible_parsed': True}
    assert warnings == ['Module invocation had junk after the JSON data: bye']


@pytest.mark.parametrize('stdout', ['', 'panic: oops', '{"changed": ', '["a list"]', '{"a": 1} {"b": 2}'])
def test_anything_else_is_a_module_failure_with_the_raw_output(stdout):
    data, dummy = _core_compat.parse_module_output({'rc': 2, 'stdout': stdout, 'stderr': 'goroutine 1 [running]'})
    if stdout == '{"a": 1} {"b": 2}':
        # a second object is junk after the first, as in ansible-core
        assert data['a'] == 1
        return
    assert data['failed'] is True
    assert data['_ansible_parsed'] is False
    assert data['msg'].startswith('MODULE FAILURE: ')
    assert data['msg'].endswith('See stdout/stderr for the exact error')
    assert (data['module_stdout'], data['module_stderr'], data['rc']) == (stdout, 'goroutine 1 [running]', 2)


def test_clean_result_drops_internal_keys_and_empty_lists_and_splits_stdout():
    data = {'changed': True, '_ansible_parsed': True, '_ansible_no_log': False, 'add_host': {'host_name': 'x'},
            'warnings': [], 'deprecations': [], 'results': 'text', 'stdout': 'a\nb'}
    warnings = _core_compat.clean_module_result(data)
    assert data == {'changed': True, '_ansible_parsed': True, 'ansible_module_results': 'text',
                    'stdout': 'a\nb', 'stdout_lines': ['a', 'b']}
    assert len(warnings) == 3
    assert any('_ansible_no_log' in w for w in warnings)
    assert any('add_host' in w for w in warnings)


def test_clean_result_keeps_list_results_and_real_warnings():
    data = {'changed': False, 'results': [1], 'warnings': ['w']}
    assert _core_compat.clean_module_result(data) == []
    assert data == {'changed': False, 'results': [1], 'warnings': ['w']}


# --- against the running ansible-core ---------------------------------------

FAKE_BINARY = """#!/bin/sh
# Stands in for the Go binary: a binary module gets the path of its JSON args file.
printf '{"changed": false, "argv_count": %d, "args": ' "$#"
cat "$1"
printf '}'
"""


def local_action(tmp_path, args):
    play_context = PlayContext()
    play_context.remote_addr = 'localhost'
    connection = connection_loader.get('ansible.builtin.local', play_context, os.devnull)
    connection.set_options()
    connection._shell.set_options(var_options={'ansible_remote_tmp': str(tmp_path / 'remote_tmp')})
    task = MagicMock()
    task.action = 'platform.ops.kong_service'
    task.resolved_action = 'platform.ops.kong_service'
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = True
    task.no_log = False
    task.delegate_to = None
    task.environment = []
    return GoModuleAction(task, connection, play_context, DataLoader(), Templar(loader=DataLoader()), MagicMock())


def test_the_running_cores_execute_module_runs_the_binary_the_shim_describes(tmp_path):
    binary = tmp_path / 'platform_ops_test'
    binary.write_text(FAKE_BINARY)
    binary.chmod(stat.S_IRWXU)
    action = local_action(tmp_path, {'name': 'orders'})
    action._platform_ops_binary = str(binary)

    result = action._execute_module(module_name=action._task.action, module_args={'name': 'orders'}, task_vars={})

    assert result.get('failed') is not True, result
    assert result['argv_count'] == 1
    assert result['args']['name'] == 'orders'
    assert result['args']['_ansible_module_name'] == 'platform.ops.kong_service'
    assert result['args']['_ansible_diff'] is True
    assert result['args']['_ansible_version'] == core_version
    action.cleanup(force=True)


def test_module_args_carry_the_internal_keys_of_the_running_core(tmp_path):
    action = local_action(tmp_path, {'name': 'orders'})
    args = _core_compat.module_args(action, {})
    assert args['name'] == 'orders'
    assert args['_ansible_check_mode'] is False
    assert args['_ansible_module_name'] == 'platform.ops.kong_service'
    # the task's own args are left alone
    assert action._task.args == {'name': 'orders'}
    json.dumps(args)
