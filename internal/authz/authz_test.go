package authz_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/policies"
)

const model = `
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, obj, act, eft
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = r.obj == p.obj && r.act == p.act && (g(r.sub, p.sub, r.dom) || g(r.sub, p.sub, "*"))
`

func TestPolicyEvaluatesInheritanceAndDenyOverride(t *testing.T) {
	t.Parallel()
	p, err := authz.Load(fstest.MapFS{
		"model.conf": {Data: []byte(model)},
		"a.csv":      {Data: []byte("g, chief, clerk, *\np, clerk, file, read, allow\np, clerk, file, write, allow\n")},
		"b.csv":      {Data: []byte("# an intern inherits the clerk's rights except writing\ng, intern, clerk, *\np, intern, file, write, deny\n")},
	})
	require.NoError(t, err)
	require.True(t, p.RoleAllows("chief", "file:write"), "inherited")
	require.True(t, p.RoleAllows("intern", "file:read"))
	require.False(t, p.RoleAllows("intern", "file:write"), "deny overrides the inherited allow")
	require.Equal(t, []string{"file:read", "file:write"}, p.Permissions())
	require.True(t, p.Known("file:read"))
	require.False(t, p.Known("file:delete"))
}

func TestPolicyRefusesMalformedRows(t *testing.T) {
	t.Parallel()
	_, err := authz.Load(fstest.MapFS{"model.conf": {Data: []byte(model)}, "x.csv": {Data: []byte("p, clerk, file, read\n")}})
	require.ErrorContains(t, err, "policies/x.csv:1: malformed row")
}

func TestCanMatchesGrantsAgainstTheObjectsDomains(t *testing.T) {
	t.Parallel()
	p, err := authz.Load(policies.FS)
	require.NoError(t, err)
	member := &authz.Subject{UserID: 1, Grants: []authz.Grant{{Role: "org_member", Domain: authz.OrgDomain(7)}}}
	require.True(t, p.Can(member, "organisation:read", authz.OrgDomain(7)))
	require.False(t, p.Can(member, "organisation:read", authz.OrgDomain(8)), "another organisation")
	require.False(t, p.Can(member, "organisation:update", authz.OrgDomain(7)), "a member is not an admin")
	require.False(t, p.Can(member, "organisation:read"), "no domain: only '*' grants count")
	require.True(t, p.CanAnywhere(member, "organisation:read"))

	admin := &authz.Subject{Grants: []authz.Grant{{Role: "org_admin", Domain: authz.OrgDomain(7)}}}
	require.True(t, p.Can(admin, "organisation:read", authz.OrgDomain(7)), "org_admin inherits org_member")
	require.True(t, p.Can(admin, "organisation:manage_members", authz.OrgDomain(7)))

	reviewer := &authz.Subject{Grants: []authz.Grant{{Role: "reviewer", Domain: authz.DirDomain("DIESS")}}}
	app := []string{authz.OrgDomain(7), authz.CallDomain(3), authz.DirDomain("DIESS")}
	require.True(t, p.Can(reviewer, "application:read", app...))
	require.False(t, p.Can(reviewer, "application:read", authz.OrgDomain(7), authz.CallDomain(3), authz.DirDomain("DA")))

	lead := &authz.Subject{Grants: []authz.Grant{{Role: "project_lead", Domain: "*"}}}
	require.True(t, p.Can(lead, "organisation:read", authz.OrgDomain(99)), "'*' counts everywhere")
	require.False(t, p.Can(lead, "grant:manage"))

	// A token's scopes narrow its owner's rights, never widen them.
	scoped := &authz.Subject{Grants: lead.Grants, Scopes: map[string]bool{"user:read": true, "grant:manage": true}}
	require.True(t, p.Can(scoped, "user:read"))
	require.False(t, p.Can(scoped, "organisation:read"), "held by the owner, not in the token")
	require.False(t, p.Can(scoped, "grant:manage"), "in the token, not held by the owner")
	require.False(t, p.Can(nil, "user:read"))
}

func TestEveryRoleOfTheDomainIsInThePolicy(t *testing.T) {
	t.Parallel()
	p, err := authz.Load(policies.FS)
	require.NoError(t, err)
	for _, r := range []string{"org_member", "org_admin", "project_lead", "reviewer", "committee", "finance", "admin"} {
		require.Contains(t, p.Roles(), r)
	}
	// Staff who pay or decide read organisation profiles; reviewers see them only through applications.
	for role, want := range map[string]bool{"finance": true, "committee": true, "project_lead": true, "admin": true, "reviewer": false} {
		require.Equal(t, want, p.RoleAllows(role, "organisation:read"), role)
	}
}

func TestParseDomainReadsWhatTheBuildersWrite(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]authz.Domain{
		"*": {Kind: authz.DomainAll}, authz.OrgDomain(12): {Kind: authz.DomainOrg, ID: 12},
		authz.CallDomain(3): {Kind: authz.DomainCall, ID: 3}, authz.DirDomain("DIESS"): {Kind: authz.DomainDir, Code: "DIESS"},
	} {
		got, ok := authz.ParseDomain(s)
		require.True(t, ok, s)
		require.Equal(t, want, got, s)
	}
	for _, bad := range []string{"", "org:", "org:x", "org:-1", "call:0", "dir:", "app:4", "org12", "**"} {
		_, ok := authz.ParseDomain(bad)
		require.False(t, ok, bad)
	}
}
