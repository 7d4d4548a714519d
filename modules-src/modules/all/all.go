// Package all lists every module of the collection. The binary dispatches
// over this list and `make docs` generates the plugin stubs from it, so a
// module exists once it has a line here.
package all

import (
	"platform.ops/modules-src/internal/ansible"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongconsumercredential "platform.ops/modules-src/modules/kong_consumer_credential"
	kongdeclarative "platform.ops/modules-src/modules/kong_declarative"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongkey "platform.ops/modules-src/modules/kong_key"
	kongkeyset "platform.ops/modules-src/modules/kong_key_set"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	kongsni "platform.ops/modules-src/modules/kong_sni"
	kongtarget "platform.ops/modules-src/modules/kong_target"
	kongupstream "platform.ops/modules-src/modules/kong_upstream"
	kongvault "platform.ops/modules-src/modules/kong_vault"
	maprclusterid "platform.ops/modules-src/modules/mapr_clusterid"
	maprlicense "platform.ops/modules-src/modules/mapr_license"
)

// Definitions returns every module, one line each.
func Definitions() []*ansible.Definition {
	return []*ansible.Definition{
		kongservice.Definition,
		kongroute.Definition,
		kongconsumer.Definition,
		kongconsumercredential.Definition,
		kongplugin.Definition,
		kongupstream.Definition,
		kongtarget.Definition,
		kongcertificate.Definition,
		kongsni.Definition,
		kongcacertificate.Definition,
		kongvault.Definition,
		kongkeyset.Definition,
		kongkey.Definition,
		konginfo.Definition,
		kongdeclarative.Definition,
		maprlicense.Definition,
		maprclusterid.Definition,
	}
}
