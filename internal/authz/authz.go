// Package authz decides who may do what. casbin evaluates the policy
// (policies/model.conf and *.csv: roles, inheritance, deny-override) once at
// load into a role × permission table; a check then looks up the caller's
// grants (role in a domain, loaded from the store with the session) against
// the object's domains. A check costs a few map lookups instead of a casbin
// scan of every policy row, and a revoked grant takes effect on the next
// request in every replica because grants are not cached between requests.
package authz

import (
	"bufio"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

// Grant is a role held in a domain: "*", "org:12", "call:3", "dir:DIESS".
type Grant struct {
	Role   string `json:"role"`
	Domain string `json:"domain"`
}

// Subject is who is asking: their grants and, for a personal access token,
// the permissions the token is limited to (nil: no limit).
type Subject struct {
	UserID int64
	Grants []Grant
	Scopes map[string]bool
}

// Policy is the evaluated role × permission table.
type Policy struct {
	enforcer *casbin.Enforcer
	allowed  map[string]map[string]bool // role → permission → allowed
	perms    []string
	roles    []string
}

// Load reads model.conf and every *.csv from fsys and evaluates them.
func Load(fsys fs.FS) (*Policy, error) {
	mtext, err := fs.ReadFile(fsys, "model.conf")
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	m, err := model.NewModelFromString(string(mtext))
	if err != nil {
		return nil, fmt.Errorf("policies/model.conf: %w", err)
	}
	files, err := fs.Glob(fsys, "*.csv")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var lines []string
	roles := map[string]bool{}
	perms := map[string]bool{}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			cols := splitCSV(line)
			switch {
			case cols[0] == "p" && len(cols) == 5 && (cols[4] == "allow" || cols[4] == "deny"):
				roles[cols[1]] = true
				perms[cols[2]+":"+cols[3]] = true
			case cols[0] == "g" && len(cols) == 4:
				roles[cols[1]], roles[cols[2]] = true, true
			default:
				return nil, fmt.Errorf("policies/%s:%d: malformed row %q (want p, role, object, action, allow|deny or g, role, role, *)", f, n, line)
			}
			lines = append(lines, strings.Join(cols, ", "))
		}
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(strings.Join(lines, "\n")))
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	p := &Policy{enforcer: e, allowed: map[string]map[string]bool{}}
	for r := range roles {
		p.roles = append(p.roles, r)
	}
	for pm := range perms {
		p.perms = append(p.perms, pm)
	}
	sort.Strings(p.roles)
	sort.Strings(p.perms)
	// casbin decides every (role, permission) pair once; deny rows and role
	// inheritance are applied here, by casbin's own semantics.
	for _, r := range p.roles {
		p.allowed[r] = map[string]bool{}
		for _, pm := range p.perms {
			obj, act, _ := strings.Cut(pm, ":")
			ok, err := e.Enforce(r, "*", obj, act)
			if err != nil {
				return nil, fmt.Errorf("policies: %w", err)
			}
			if ok {
				p.allowed[r][pm] = true
			}
		}
	}
	return p, nil
}

func splitCSV(line string) []string {
	cols := strings.Split(line, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}

// Permissions lists every permission the policy names.
func (p *Policy) Permissions() []string { return p.perms }

// Roles lists every role the policy names.
func (p *Policy) Roles() []string { return p.roles }

// Known reports whether the policy names perm.
func (p *Policy) Known(perm string) bool {
	i := sort.SearchStrings(p.perms, perm)
	return i < len(p.perms) && p.perms[i] == perm
}

// RoleAllows reports whether role grants perm (whatever the domain).
func (p *Policy) RoleAllows(role, perm string) bool { return p.allowed[role][perm] }

// Can reports whether s holds perm in one of domains (a grant in "*" counts
// everywhere). With no domain given, only "*" grants count.
func (p *Policy) Can(s *Subject, perm string, domains ...string) bool {
	if s == nil || (s.Scopes != nil && !s.Scopes[perm]) {
		return false
	}
	for _, g := range s.Grants {
		if !p.allowed[g.Role][perm] {
			continue
		}
		if g.Domain == "*" {
			return true
		}
		for _, d := range domains {
			if g.Domain == d {
				return true
			}
		}
	}
	return false
}

// CanAnywhere reports whether s holds perm in at least one domain: the
// route-level gate, before the object's own domains are known.
func (p *Policy) CanAnywhere(s *Subject, perm string) bool {
	if s == nil || (s.Scopes != nil && !s.Scopes[perm]) {
		return false
	}
	for _, g := range s.Grants {
		if p.allowed[g.Role][perm] {
			return true
		}
	}
	return false
}

// Domains of objects, built in one place so the spelling never drifts.

// OrgDomain is the domain of an organisation's objects.
func OrgDomain(id int64) string { return fmt.Sprintf("org:%d", id) }

// CallDomain is the domain of a call's objects (external reviewers are invited there).
func CallDomain(id int64) string { return fmt.Sprintf("call:%d", id) }

// DirDomain is the domain of a direction.
func DirDomain(code string) string { return "dir:" + code }

// Domain kinds, as ParseDomain reads them.
const (
	DomainAll  = "*"
	DomainOrg  = "org"
	DomainCall = "call"
	DomainDir  = "dir"
)

// Domain is a domain string read back: its kind and its key (the direction
// code, or the object's ID for org and call).
type Domain struct {
	Kind string
	Code string // dir: the direction code
	ID   int64  // org, call: the object's ID
}

// ParseDomain reads a domain string ("*", "org:12", "call:3", "dir:DIESS");
// ok is false for anything else, so no caller guesses at a malformed one.
func ParseDomain(s string) (d Domain, ok bool) {
	if s == DomainAll {
		return Domain{Kind: DomainAll}, true
	}
	kind, key, found := strings.Cut(s, ":")
	if !found || key == "" {
		return Domain{}, false
	}
	switch kind {
	case DomainDir:
		return Domain{Kind: kind, Code: key}, true
	case DomainOrg, DomainCall:
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 {
			return Domain{}, false
		}
		return Domain{Kind: kind, ID: id}, true
	}
	return Domain{}, false
}
