# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the dispatch decisions in plugins/plugin_utils/_go_module.py.

The strategies themselves (commands, copies, become) are exercised for real
by tests/integration/targets/go_module_dispatch and tests/ssh; these tests pin
the choices: platform names, which variables count, and the error texts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import os
import platform

import pytest

from ansible.errors import AnsibleActionFail
from ansible.template import Templar
from ansible.parsing.dataloader import DataLoader
from unittest.mock import MagicMock

from ansible_collections.platform.ops.plugins.plugin_utils import _go_module
from ansible_collections.platform.ops.plugins.plugin_utils._go_module import (
    GoModuleAction, available_platforms, binary_sha256, go_platform)


@pytest.mark.parametrize('system, machine, expected', [
    ('Linux', 'x86_64', 'linux_amd64'),
    ('Linux', 'aarch64', 'linux_arm64'),
    ('Darwin', 'arm64', 'darwin_arm64'),
    ('Darwin', 'x86_64', 'darwin_amd64'),
    ('linux', 'amd64', 'linux_amd64'),
    ('Linux', 'i686', 'linux_386'),
    ('Linux', 'armv7l', 'linux_arm'),
    (' Linux\n', 'x86_64\n', 'linux_amd64'),
    ('AIX', 'ppc64', 'aix_ppc64'),
])
def test_go_platform_maps_uname_and_fact_names_to_go_names(system, machine, expected):
    assert go_platform(system, machine) == expected


def test_available_platforms_lists_only_binaries(tmp_path):
    for name in ('platform_ops_linux_amd64', 'platform_ops_darwin_arm64', 'SHA256SUMS',
                 'platform_ops_linux_amd64.tmp', 'other_linux_amd64'):
        (tmp_path / name).write_text('x')
    assert available_platforms(str(tmp_path)) == ['darwin_arm64', 'linux_amd64']


def test_available_platforms_of_a_missing_directory_is_empty(tmp_path):
    assert available_platforms(str(tmp_path / 'nope')) == []


def test_binary_sha256_comes_from_sha256sums(tmp_path):
    binary = tmp_path / 'platform_ops_linux_amd64'
    binary.write_bytes(b'binary')
    (tmp_path / 'SHA256SUMS').write_text('%s  platform_ops_darwin_arm64\n%s  platform_ops_linux_amd64\n' % ('a' * 64, 'B' * 64))
    assert binary_sha256(str(binary)) == 'b' * 64


def test_binary_sha256_is_computed_without_an_entry(tmp_path):
    binary = tmp_path / 'platform_ops_linux_amd64'
    binary.write_bytes(b'binary')
    (tmp_path / 'SHA256SUMS').write_text('%s  platform_ops_darwin_arm64\n' % ('a' * 64))
    assert binary_sha256(str(binary)) == hashlib.sha256(b'binary').hexdigest()


def make_action(transport='ssh', delegate_to=None, action='platform.ops.kong_service'):
    task = MagicMock()
    task.action = action
    task.delegate_to = delegate_to
    task.async_val = 0
    connection = MagicMock()
    connection.transport = transport
    connection.become = None
    templar = Templar(loader=DataLoader())
    return GoModuleAction(task, connection, MagicMock(), DataLoader(), templar, MagicMock())


def test_strategy_defaults_to_auto():
    assert make_action()._requested_strategy({}) == 'auto'


@pytest.mark.parametrize('value', ['inplace', 'cache', 'classic', 'CACHE', ' auto '])
def test_strategy_accepts_the_four_names(value):
    assert make_action()._requested_strategy({'platform_ops_strategy': value}) == value.strip().lower()


def test_strategy_rejects_others_with_the_choices():
    with pytest.raises(AnsibleActionFail, match='platform_ops_strategy must be one of: auto, inplace, cache, classic, got: copy'):
        make_action()._requested_strategy({'platform_ops_strategy': 'copy'})


def test_strategy_variable_is_templated():
    host_vars = {'wanted': 'classic', 'platform_ops_strategy': '{{ wanted }}'}
    action = make_action()
    action._templar.available_variables = host_vars
    assert action._requested_strategy(host_vars) == 'classic'


def test_local_connection_is_recognised_by_transport():
    assert make_action(transport='local')._is_local_connection()
    assert make_action(transport='ansible.builtin.local')._is_local_connection()
    assert not make_action(transport='ssh')._is_local_connection()


def test_local_platform_is_the_controllers_own_whatever_the_variables():
    action = make_action(transport='local')
    host_vars = {'platform_ops_platform': 'aix_ppc64', 'ansible_facts': {'system': 'AIX', 'architecture': 'ppc64'}}
    assert action._target_platform(host_vars, local=True) == go_platform(platform.system(), platform.machine())


def test_remote_platform_variable_wins_over_facts():
    host_vars = {'platform_ops_platform': 'linux_arm64', 'ansible_facts': {'system': 'Linux', 'architecture': 'x86_64'}}
    assert make_action()._target_platform(host_vars, local=False) == 'linux_arm64'


def test_remote_platform_from_facts_runs_no_command():
    action = make_action()
    action._low_level_execute_command = MagicMock()
    host_vars = {'ansible_facts': {'system': 'Linux', 'architecture': 'aarch64'}}
    assert action._target_platform(host_vars, local=False) == 'linux_arm64'
    action._low_level_execute_command.assert_not_called()


def test_remote_platform_without_facts_asks_uname_once():
    action = make_action()
    action._low_level_execute_command = MagicMock(return_value={'rc': 0, 'stdout': 'Darwin arm64\n', 'stderr': ''})
    assert action._target_platform({}, local=False) == 'darwin_arm64'
    action._low_level_execute_command.assert_called_once_with('uname -sm', sudoable=False)


def test_remote_platform_uname_failure_says_what_to_set():
    action = make_action()
    action._low_level_execute_command = MagicMock(return_value={'rc': 127, 'stdout': '', 'stderr': 'uname: not found'})
    with pytest.raises(AnsibleActionFail, match=r'uname -sm.*rc=127.*uname: not found.*Set platform_ops_platform'):
        action._target_platform({}, local=False)


def test_delegated_tasks_use_the_delegated_hosts_variables():
    action = make_action(delegate_to='node1')
    task_vars = {
        'platform_ops_platform': 'linux_amd64',
        'ansible_delegated_vars': {'node1': {'platform_ops_platform': 'linux_arm64'}},
    }
    host_vars = action._host_vars(task_vars)
    assert action._target_platform(host_vars, local=False) == 'linux_arm64'


def test_missing_binary_error_names_the_platform_the_available_ones_and_make(tmp_path, monkeypatch):
    (tmp_path / 'binaries').mkdir()
    (tmp_path / 'binaries' / 'platform_ops_linux_amd64').write_text('x')
    (tmp_path / 'binaries' / 'platform_ops_darwin_arm64').write_text('x')
    monkeypatch.setattr(_go_module, 'collection_root', lambda: str(tmp_path))
    with pytest.raises(AnsibleActionFail) as failure:
        make_action()._binary_for('linux_ppc64le')
    msg = str(failure.value)
    assert 'no module binary for platform linux_ppc64le (needed by kong_service)' in msg
    assert 'darwin_arm64, linux_amd64' in msg
    assert '`make collection`' in msg


def test_binary_for_an_available_platform(tmp_path, monkeypatch):
    (tmp_path / 'binaries').mkdir()
    (tmp_path / 'binaries' / 'platform_ops_linux_amd64').write_text('x')
    monkeypatch.setattr(_go_module, 'collection_root', lambda: str(tmp_path))
    assert make_action()._binary_for('linux_amd64') == os.path.join(str(tmp_path), 'binaries', 'platform_ops_linux_amd64')


def test_module_name_is_the_last_dot_part_of_the_action():
    assert make_action(action='platform.ops.mapr_clusterid')._module_short_name() == 'mapr_clusterid'
    assert make_action(action='kong_route')._module_short_name() == 'kong_route'


@pytest.mark.parametrize('res, expected', [
    ({'rc': 126, 'stdout': '', 'stderr': 'Permission denied'}, True),
    ({'rc': 126, 'stdout': '{"failed": true}', 'stderr': ''}, False),
    ({'rc': 1, 'stdout': '', 'stderr': ''}, False),
    ({'rc': 0, 'stdout': '{}', 'stderr': ''}, False),
])
def test_cannot_execute_only_when_the_shell_could_not_start_it(res, expected):
    assert GoModuleAction._cannot_execute(res) is expected


def test_cache_home_uses_the_connection_users_tilde():
    action = make_action()
    action._get_remote_user = MagicMock(return_value='deploy')
    assert action._cache_user_home(local=False) == '~deploy'


def test_cache_home_for_an_unknown_user_without_become_is_plain_tilde():
    action = make_action()
    action._get_remote_user = MagicMock(return_value=None)
    assert action._cache_user_home(local=False) == '~'


def test_cache_home_for_an_unknown_user_under_become_is_expanded_once():
    action = make_action()
    action._connection.become = MagicMock()
    action._get_remote_user = MagicMock(return_value=None)
    action._remote_expand_user = MagicMock(return_value='/home/some one')
    assert action._cache_user_home(local=False) == "'/home/some one'"
    action._remote_expand_user.assert_called_once_with('~', sudoable=False)


def test_task_timeout_passes_the_seconds_left_to_the_module():
    action = make_action()
    action._task.timeout = 10
    action._platform_ops_started = _go_module.time.monotonic() - 4
    args = action._with_task_timeout({'name': 'svc'})
    assert args['name'] == 'svc'
    assert 5.5 < args[_go_module.TASK_TIMEOUT_ARG] <= 6


def test_no_task_timeout_adds_nothing():
    action = make_action()
    action._task.timeout = 0
    assert action._with_task_timeout({'name': 'svc'}) == {'name': 'svc'}


def test_async_tasks_get_no_task_timeout():
    action = make_action()
    action._task.timeout = 10
    action._task.async_val = 30
    assert action._with_task_timeout({}) == {}


def test_a_spent_task_timeout_still_tells_the_module_to_stop_at_once():
    action = make_action()
    action._task.timeout = 1
    action._platform_ops_started = _go_module.time.monotonic() - 5
    assert action._with_task_timeout({})[_go_module.TASK_TIMEOUT_ARG] == 0.001


def vaulted_loader(tmp_path, plaintext):
    """A DataLoader that knows one vault password, and a file it encrypted."""
    from ansible.parsing.vault import VaultLib, VaultSecret
    secret = VaultSecret(b'unit-test-vault-password')
    loader = DataLoader()
    loader.set_vault_secrets([('default', secret)])
    vaulted = tmp_path / 'kong.vault.yaml'
    vaulted.write_bytes(VaultLib([('default', secret)]).encrypt(plaintext))
    return loader, vaulted


def test_controller_files_are_found_like_copy_src_and_vault_files_decrypted(tmp_path):
    action = make_action(transport='local', action='platform.ops.kong_declarative')
    action.CONTROLLER_FILES = ('src',)
    loader, vaulted = vaulted_loader(tmp_path, b'_format_version: "3.0"\n')
    action._loader = loader
    plain = tmp_path / 'plain.yaml'
    plain.write_text('_format_version: "3.0"\n')
    action._find_needle = MagicMock(side_effect=lambda dirname, needle: str(tmp_path / needle))
    action._platform_ops_on_controller = True
    args = {'src': ['plain.yaml', str(vaulted)], 'select_tags': ['x']}
    action._resolve_controller_files(args)
    action._find_needle.assert_called_once_with('files', 'plain.yaml')
    assert args['src'][0] == str(plain), 'a relative path is looked up like copy src'
    assert args['src'][1] != str(vaulted), 'a vault file is handed over as a decrypted copy'
    with open(args['src'][1], 'rb') as f:
        assert f.read() == b'_format_version: "3.0"\n'
    assert action._platform_ops_tmp_files == [args['src'][1]], 'the copy is removed when the task ends'
    assert args['select_tags'] == ['x'], 'other options are left alone'
    loader.cleanup_tmp_file(args['src'][1])


def test_controller_files_of_a_remote_module_are_the_hosts_own():
    action = make_action(transport='ssh', action='platform.ops.kong_declarative')
    action.CONTROLLER_FILES = ('src',)
    action._platform_ops_on_controller = False
    action._find_needle = MagicMock()
    action._task.args = {'src': ['kong.yaml']}
    action._task.timeout = 0
    action._update_module_args = MagicMock()
    args = action._module_args({})
    assert args['src'] == ['kong.yaml']
    action._find_needle.assert_not_called()


def test_a_missing_controller_file_fails_like_copy():
    action = make_action(transport='local', action='platform.ops.kong_declarative')
    action.CONTROLLER_FILES = ('src',)
    action._find_needle = MagicMock(side_effect=AnsibleActionFail("Could not find or access 'nope.yaml'"))
    with pytest.raises(AnsibleActionFail, match="Could not find or access 'nope.yaml'"):
        action._resolve_controller_files({'src': ['nope.yaml']})
