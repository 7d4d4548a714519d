package kongplugin

import (
	"platform.ops/modules-src/internal/ansible"
)

// beforeSchema is the error of a task that stops before the plugin's
// schema was read (Kong refused the credentials, cannot be reached, ...):
// nothing tells which config values are secret then, and a failure costs
// nothing to hide fully, so every config string is hidden in the echo of
// the arguments. (Until now only strings of 8 characters or more and names
// that look secret were: a 7-character azure-functions clientid, encrypted
// in Kong's schema, showed in invocation.module_args on a 401.) Elsewhere
// in the output the rule of kong.ConfigSecretsBeforeSchema stays, so that a
// short value such as policy "local" does not garble the message
// ("http://********host:8001").
func beforeSchema(m *ansible.Module, err error) error {
	m.HideArgStrings("config")
	return err
}
