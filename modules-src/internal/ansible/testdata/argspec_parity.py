#!/usr/bin/python3
"""Run argument-spec cases through ansible-core's own ArgumentSpecValidator.

Used by parity_test.go: the Go runtime must report the same first error and
produce the same validated parameters as AnsibleModule would.

Input (stdin): a JSON list of cases
  {"id": str, "spec": {name: option}, "rules": {...}, "params": {...}, "env": {...}}
where an option is an argument_spec entry, except that env fallbacks are
written "env_fallback": [NAMES] and the rules of a suboption level sit in
the option under the usual keys (mutually_exclusive, required_if, ...).

Output (stdout): a JSON list of {"id", "error", "validated", "no_log"}.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import sys

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback
from ansible.module_utils.errors import UnsupportedError

MODULE_NAME = 'parity'
RULES = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')


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
    saved = dict(os.environ)
    os.environ.update(case.get('env') or {})
    try:
        validator = ArgumentSpecValidator(to_python_spec(case['spec']), **(case.get('rules') or {}))
        result = validator.validate(case['params'])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    error = ''
    if result.errors.errors:
        error = result.errors.msg
        if isinstance(result.errors.errors[0], UnsupportedError):
            error = 'Unsupported parameters for (%s) module: %s' % (MODULE_NAME, error)
    return {
        'id': case['id'],
        'error': error,
        'validated': result.validated_parameters,
        'no_log': sorted(str(v) for v in result._no_log_values),
    }


def run_or_crash(case):
    # Some inputs crash ansible-core itself (e.g. a dict option with
    # suboptions given the number 5); report them so the test can skip them.
    try:
        return run(case)
    except Exception as e:  # pylint: disable=broad-except
        return {'id': case['id'], 'crash': '%s: %s' % (type(e).__name__, e)}


def main():
    cases = json.load(sys.stdin)
    json.dump([run_or_crash(case) for case in cases], sys.stdout)


if __name__ == '__main__':
    main()
