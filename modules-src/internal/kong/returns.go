package kong

import "strings"

// FailureReturns is the RETURN text of the keys every Kong module adds to a
// failed result when Kong refused a request (ErrorFromKong), or when check
// mode predicts the 409 the real write would get (uniqueViolation).
// Ansible does not merge RETURN from doc fragments, so each module appends
// it to its own RETURN; fieldsSample is a YAML flow mapping fitting the
// module, e.g. `{name: example-service}`.
func FailureReturns(fieldsSample string) string {
	return strings.ReplaceAll(failureReturns, "FIELDS_SAMPLE", fieldsSample)
}

const failureReturns = `status:
  description:
    - HTTP status of the Kong request that failed, for example C(400) for a schema violation or C(409) for a UNIQUE conflict.
    - C(409) also when check mode predicts that the real write would fail on a UNIQUE conflict (nothing is written then; see the notes).
  returned: on failure, when Kong answered with an HTTP error or check mode predicts a 409
  type: int
  sample: 409
fields:
  description:
    - Kong's field errors, flattened to dotted paths (C(config.minute), C(paths.2)); errors about the entity as a whole are under C(@entity).
    - "On a UNIQUE conflict (HTTP 409, real or predicted by check mode), the values Kong found taken instead, for example C({name: example}),
      or for a plugin (one per name and scope) its name and scope, as C(service.id)."
  returned: on failure, when Kong's error names fields (a schema violation, a UNIQUE conflict, ...) or check mode predicts a 409
  type: dict
  sample: FIELDS_SAMPLE
kong_error:
  description:
    - Kong's name for the error, for example C(schema violation), C(unique constraint violation), C(foreign key violation) or C(not found).
    - C(unique constraint violation) also when check mode predicts that conflict.
  returned: on failure, when Kong answered with an error that names itself or check mode predicts a 409
  type: str
  sample: unique constraint violation
`
