package workflow

import "fmt"

// Registry knows every guard, permission and effect name a definition may
// use, so that a typo in a YAML file fails at load rather than at the first
// click. Fill it before Load; it is not safe for concurrent registration.
type Registry struct {
	guards      map[string]Guard
	permissions map[string]bool
	effects     map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{guards: map[string]Guard{}, permissions: map[string]bool{}, effects: map[string]bool{}}
}

// Guard registers g under name. It panics on an empty name, a nil function or
// a second registration: two functions behind one name is a wiring bug that
// must not silently pick a winner.
func (r *Registry) Guard(name string, g Guard) {
	if name == "" || g == nil {
		panic("workflow: Guard needs a name and a function")
	}
	if _, dup := r.guards[name]; dup {
		panic(fmt.Sprintf("workflow: guard %q registered twice", name))
	}
	r.guards[name] = g
}

// Permissions declares permission names (resource:action) definitions may use.
func (r *Registry) Permissions(names ...string) {
	for _, n := range names {
		r.permissions[n] = true
	}
}

// Effects declares effect names definitions may use.
func (r *Registry) Effects(names ...string) {
	for _, n := range names {
		r.effects[n] = true
	}
}

func (r *Registry) hasGuard(name string) bool      { _, ok := r.guards[name]; return ok }
func (r *Registry) hasPermission(name string) bool { return r.permissions[name] }
func (r *Registry) hasEffect(name string) bool     { return r.effects[name] }
