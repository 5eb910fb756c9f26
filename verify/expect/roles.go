package expect

// RoleKey names a role by what it is for, not by its name: its purpose
// (agentspec.Purpose*) and its owner, an agent, a gateway or a resource
// (a memory or custom tool id, in Region when it is set).
type RoleKey struct {
	Purpose                          string
	Agent, Gateway, Resource, Region string
}

// Role is the role a key is bound to.
type Role struct {
	Name, ARN string
	// Existing is true for a role the spec keeps instead of generating.
	Existing bool
}

// Roles binds the roles and caller policies expectations refer to to
// the ones that exist (in a plan): a request of a role is made by its
// session, a caller passes it by its ARN.
type Roles interface {
	// Role returns the role of a key, if there is one.
	Role(k RoleKey) (Role, bool)
	// CallerPolicy returns the name of the policy of a caller or invoker,
	// if there is one.
	CallerPolicy(caller string) (string, bool)
}
