# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX and execution-environment definitions are what AWX and ansible-builder accept.

- awx/credential_types/kong_admin_api.yml against AWX's own validation of a
  custom credential type (the JSON schemas of awx/main/fields.py plus the
  checks AWX makes in Python next to them), and injected the way AWX injects
  it (awx/main/models/credential.py, CredentialType.inject_credential).
- execution-environment.yml against ansible-builder's version 3 schema.

Each validator is also shown rejecting a broken copy, so a pass means
something. Run by make awx-check (python3 -m pytest tests/awx).
"""

import copy
import json
import os

import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMAS = os.path.join(REPO, 'tests', 'schemas')


class PlaybookLoader(yaml.SafeLoader):
    """SafeLoader that reads Ansible's !unsafe tag as the plain string."""


PlaybookLoader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))


def load_yaml(*path):
    with open(os.path.join(REPO, *path)) as handle:
        return yaml.load(handle, Loader=PlaybookLoader)


def load_json(name):
    with open(os.path.join(SCHEMAS, name)) as handle:
        return json.load(handle)


AWX = load_json('awx-credential-type.schema.json')
CREDENTIAL_TYPE = load_yaml('awx', 'credential_types', 'kong_admin_api.yml')


def awx_credential_type_errors(definition):
    """What AWX would say about a custom credential type (empty: it accepts it).

    The schema part is AWX's JSON schema; the rest repeats, in the same order,
    the Python checks of CredentialTypeInputField.validate and
    CredentialTypeInjectorField.validate / validate_env_var_allowed.
    """
    errors = []
    inputs = definition.get('inputs', {})
    injectors = definition.get('injectors', {})
    # CredentialTypeSerializer.validate (awx/api/serializers.py): custom types only.
    if definition.get('kind') not in ('cloud', 'net'):
        errors.append("kind: Must be 'cloud' or 'net', not %s" % definition.get('kind'))
    for name, value in (('inputs', inputs), ('injectors', injectors)):
        validator = jsonschema.Draft4Validator(AWX[name])
        errors += ['%s: %s' % (name, e.message) for e in validator.iter_errors(value)]
    if errors:
        return errors
    if 'dependencies' in inputs:
        errors.append("inputs: 'dependencies' is not supported for custom credentials.")
    seen = set()
    for field in inputs.get('fields', []):
        if field['id'] == 'tower':
            errors.append('inputs: "tower" is a reserved field name')
        if field['id'] in seen:
            errors.append('inputs: field IDs must be unique (%s)' % field['id'])
        seen.add(field['id'])
        kind = field.get('type', 'string')
        if 'default' in field and not isinstance(field['default'], {'string': str, 'boolean': bool}[kind]):
            errors.append('inputs: {0} is not a {1}'.format(field['default'], kind))
        for key in ('choices', 'multiline', 'format', 'secret'):
            if key in field and kind != 'string':
                errors.append('inputs: %s not allowed for %s type (%s)' % (key, kind, field['id']))
    for required in inputs.get('required', []):
        if required not in seen:
            errors.append('inputs: required field %s is not defined' % required)
    for env_var in injectors.get('env', {}):
        if env_var.startswith('ANSIBLE_'):
            errors.append('Environment variable {0} may affect Ansible configuration so its use is not allowed in '
                          'credentials.'.format(env_var))
        if env_var in AWX['env_blocklist']:
            errors.append('Environment variable {0} is not allowed to be used in credentials.'.format(env_var))
    namespace = dict((field_id, 'EXAMPLE') for field_id in seen)
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind in ('env', 'extra_vars'):
        for key, template in injectors.get(kind, {}).items():
            if not isinstance(template, str):
                continue
            try:
                sandbox.from_string(template).render(namespace)
            except UndefinedError as error:
                errors.append('{0} uses an undefined field ({1})'.format(key, error))
    return errors


def inject(definition, credential_inputs):
    """The environment AWX adds to a job for a credential of this type.

    As CredentialType.inject_credential: fields with a value are rendered in
    an immutable sandbox; an empty or missing field renders as ''.
    """
    namespace = dict((k, v) for k, v in credential_inputs.items() if isinstance(v, bool) or len(v))
    sandbox = ImmutableSandboxedEnvironment()
    return dict((env_var, sandbox.from_string(template).render(**namespace))
                for env_var, template in definition['injectors'].get('env', {}).items())


def test_the_kong_credential_type_is_accepted_by_awx():
    assert awx_credential_type_errors(CREDENTIAL_TYPE) == []


def test_the_token_is_a_secret_input_and_the_url_is_required():
    fields = dict((f['id'], f) for f in CREDENTIAL_TYPE['inputs']['fields'])
    assert fields['admin_token'].get('secret') is True
    assert fields['admin_url'].get('secret') is not True
    assert CREDENTIAL_TYPE['inputs']['required'] == ['admin_url']


def test_injection_sets_the_variables_the_kong_modules_fall_back_to():
    env = inject(CREDENTIAL_TYPE, {'admin_url': 'https://kong:8444', 'admin_token': 's3cret'})
    assert env == {'KONG_ADMIN_URL': 'https://kong:8444', 'KONG_ADMIN_TOKEN': 's3cret'}
    with open(os.path.join(REPO, 'plugins', 'doc_fragments', 'kong.py')) as handle:
        fragment = handle.read()
    for env_var in env:
        assert 'C(%s)' % env_var in fragment


def test_a_credential_without_token_injects_an_empty_token():
    assert inject(CREDENTIAL_TYPE, {'admin_url': 'http://kong:8001'})['KONG_ADMIN_TOKEN'] == ''


def broken(change):
    definition = copy.deepcopy(CREDENTIAL_TYPE)
    change(definition)
    return definition


@pytest.mark.parametrize('change, expected', [
    (lambda d: d['injectors']['env'].update(ANSIBLE_CONFIG='{{ admin_url }}'), 'may affect Ansible configuration'),
    (lambda d: d['injectors']['env'].update(PATH='{{ admin_url }}'), 'PATH is not allowed'),
    (lambda d: d['injectors']['env'].update(KONG_WORKSPACE='{{ workspace }}'), 'uses an undefined field'),
    (lambda d: d['inputs']['fields'][1].update(secret='yes'), "'yes' is not of type 'boolean'"),
    (lambda d: d['inputs']['fields'][1].update(type='boolean'), 'secret not allowed for boolean type'),
    (lambda d: d['inputs']['fields'].append({'id': 'admin_url', 'label': 'again'}), 'field IDs must be unique'),
    (lambda d: d['inputs']['fields'][0].update(id='admin-url'), 'does not match'),
    (lambda d: d['injectors'].update(envs={}), 'Additional properties are not allowed'),
    (lambda d: d.update(kind='ssh'), "Must be 'cloud' or 'net', not ssh"),
])
def test_awx_rejects_a_broken_copy(change, expected):
    errors = awx_credential_type_errors(broken(change))
    assert any(expected in e for e in errors), errors


def test_the_setup_playbook_creates_the_type_from_the_same_file():
    play = load_yaml('awx', 'setup_demo.yml')[0]
    assert "lookup('ansible.builtin.file', 'credential_types/kong_admin_api.yml')" in play['vars']['kong_credential_type']
    modules = [next(k for k in task if k.startswith('awx.awx.')) for task in play['tasks']]
    assert modules == ['awx.awx.credential_type', 'awx.awx.credential', 'awx.awx.execution_environment',
                       'awx.awx.project', 'awx.awx.inventory', 'awx.awx.host', 'awx.awx.job_template']
    credential = play['tasks'][1]
    assert credential['no_log'] is True


# --- execution-environment.yml --------------------------------------------------

EE_SCHEMA = load_json('ansible-builder-ee-v3.schema.json')


def ee_errors(definition):
    """ansible-builder's validate_schema for version 3 definitions."""
    if int(definition.get('version', 1)) != 3:
        return ['version: this collection ships a version 3 definition, got %r' % definition.get('version')]
    validator = jsonschema.Draft4Validator(EE_SCHEMA)
    return ['%s: %s' % ('/'.join(str(p) for p in e.absolute_path), e.message) for e in validator.iter_errors(definition)]


EE = load_yaml('execution-environment.yml')


def test_the_execution_environment_is_a_valid_ansible_builder_v3_definition():
    assert ee_errors(EE) == []


def test_the_execution_environment_installs_the_built_tarball_of_this_version():
    version = load_yaml('galaxy.yml')['version']
    tarball = 'dist/platform-ops-%s.tar.gz' % version
    assert {'src': tarball, 'dest': 'collections'} in EE['additional_build_files']
    steps = ' '.join(EE['additional_build_steps']['append_final'])
    assert 'platform-ops-%s.tar.gz' % version in steps
    assert 'umask 022' in steps
    assert '-p /usr/share/ansible/collections' in steps


def test_the_execution_environment_pins_an_ansible_core_in_the_tested_range():
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        requires = yaml.safe_load(handle)['requires_ansible']
    assert EE['dependencies']['ansible_core']['package_pip'] == 'ansible-core' + requires


@pytest.mark.parametrize('change, expected', [
    (lambda d: d.update(version=1), 'version 3'),
    (lambda d: d['images'].update(builder_image={'name': 'x'}), "'builder_image' was unexpected"),
    (lambda d: d['dependencies'].update(ansible_core={'package_system': 'ansible-core'}), 'package_system'),
    (lambda d: d['additional_build_files'].append({'src': 'x'}), "'dest' is a required property"),
    (lambda d: d['additional_build_steps'].update(append_final={'RUN': 'x'}), 'is not valid under any of the given schemas'),
])
def test_ansible_builder_rejects_a_broken_copy(change, expected):
    definition = copy.deepcopy(EE)
    change(definition)
    errors = ee_errors(definition)
    assert any(expected in e for e in errors), errors
