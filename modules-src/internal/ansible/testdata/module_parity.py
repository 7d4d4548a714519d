#!/usr/bin/python3
"""Run whole module invocations through ansible-core's AnsibleModule.

Used by module_parity_test.go: for the same spec, task args (with the
_ansible_* keys) and module behaviour, Execute must print what AnsibleModule
prints (invocation, masking, warnings, check-mode skip, failure framing).

Input (stdin): a JSON list of cases
  {"id", "spec", "rules", "supports_check_mode", "args", "warn": [...],
   "result": {...}, "fail": msg or null}
where spec/rules are as in argspec_parity.py. The "module" warns each
"warn" text, then calls exit_json(**result) or fail_json(msg=fail, **result).

Output (stdout): a JSON list of the objects AnsibleModule printed.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import json
import sys
from contextlib import redirect_stdout

import ansible.module_utils.basic as basic
import ansible.module_utils.common.warnings as warnings
from ansible.module_utils.common.parameters import env_fallback


def to_python_spec(spec):
    out = {}
    for name, option in spec.items():
        option = dict(option)
        names = option.pop('env_fallback', None)
        if names:
            option['fallback'] = (env_fallback, names)
        if 'options' in option:
            option['options'] = to_python_spec(option['options'])
        out[name] = option
    return out


def run(case):
    del warnings._global_warnings[:]
    del warnings._global_deprecations[:]
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': case['args']}).encode('utf-8')
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            module = basic.AnsibleModule(
                argument_spec=to_python_spec(case['spec']),
                supports_check_mode=case['supports_check_mode'],
                **(case.get('rules') or {}))
            for text in case.get('warn') or []:
                module.warn(text)
            if case.get('fail'):
                module.fail_json(msg=case['fail'], **case['result'])
            module.exit_json(**case['result'])
        except SystemExit:
            pass
    return json.loads(out.getvalue())


def main():
    cases = json.load(sys.stdin)
    json.dump([run(case) for case in cases], sys.stdout)


if __name__ == '__main__':
    main()
