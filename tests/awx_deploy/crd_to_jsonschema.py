# -*- coding: utf-8 -*-
# Copyright: (c) 2026, platform.ops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a CRD's OpenAPI v3 schemas as the JSON schemas kubeconform reads.

One file per served version, <kind lowercased>_<version>.json, for
kubeconform's -schema-location '<dir>/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'.

Strict like the API server's field validation (kubectl apply's default,
--validate=strict): an object schema that lists its properties and does not
preserve unknown fields gets additionalProperties: false, so a misspelt or
unknown field fails. x-kubernetes-int-or-string becomes integer-or-string.

Usage: crd_to_jsonschema.py CRD.yaml OUTPUT_DIR
"""

import json
import os
import sys

import yaml


def strict(schema):
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = dict((key, strict(value)) for key, value in schema.items())
    if out.pop('x-kubernetes-int-or-string', False):
        out.pop('type', None)
        out['anyOf'] = [{'type': 'integer'}, {'type': 'string'}]
    if out.get('type') == 'object' and 'properties' in out and not out.get('x-kubernetes-preserve-unknown-fields') \
            and 'additionalProperties' not in out:
        out['additionalProperties'] = False
    return out


def main(crd_path, out_dir):
    with open(crd_path) as handle:
        crd = yaml.safe_load(handle)
    kind = crd['spec']['names']['kind'].lower()
    os.makedirs(out_dir, exist_ok=True)
    for version in crd['spec']['versions']:
        if not version.get('served', True):
            continue
        schema = strict(version['schema']['openAPIV3Schema'])
        # metadata is typed "object" without properties in a CRD: the API
        # server knows ObjectMeta. Name and namespace are what a manifest needs.
        schema['properties']['metadata'] = {
            'type': 'object',
            'required': ['name'],
            'properties': {'name': {'type': 'string'}, 'namespace': {'type': 'string'},
                           'labels': {'type': 'object', 'additionalProperties': {'type': 'string'}},
                           'annotations': {'type': 'object', 'additionalProperties': {'type': 'string'}}},
        }
        schema['required'] = sorted(set(schema.get('required', [])) | {'apiVersion', 'kind', 'metadata'})
        path = os.path.join(out_dir, '%s_%s.json' % (kind, version['name']))
        with open(path, 'w') as handle:
            json.dump(schema, handle, indent=1, sort_keys=True)
        print('crd_to_jsonschema: %s' % path)


if __name__ == '__main__':
    main(*sys.argv[1:])
