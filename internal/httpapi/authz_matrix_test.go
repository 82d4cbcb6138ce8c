package httpapi_test

// The authorization matrix: for every /api/v1 route, every role, and the
// objects that matter (own, foreign, missing), the status the API answers.
// A user who may not see an object gets 404, never 403: 403 is for an action
// on an object the user can see, or for a permission the role never holds.
//
// Adding a route? Append its rows to `matrix` from an init() in your own
// _test.go file (see authz_matrix_identity_test.go), one matrixRow per case,
// with a status for each of the ten roles. TestEveryRouteHasMatrixRows fails
// for any route registered without rows.

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

// who is a role of the matrix.
type who int

// The ten roles. memberA and memberB are plain members (org_member) of the
// demo organisations A (Roues Solidaires 93) and B (Mobil'Emploi); adminA is
// A's org_admin (the demo's porteur).
const (
	anonymous who = iota
	memberA
	memberB
	adminA
	lead
	revDIESS
	revDA
	committee
	finance
	admin
)

var everyone = []who{anonymous, memberA, memberB, adminA, lead, revDIESS, revDA, committee, finance, admin}

var whoNames = map[who]string{anonymous: "anonymous", memberA: "applicant of org A", memberB: "applicant of org B",
	adminA: "org admin of A", lead: "project lead", revDIESS: "reviewer DIESS", revDA: "reviewer DA",
	committee: "committee", finance: "finance", admin: "admin"}

func (w who) String() string { return whoNames[w] }

// matrixCall is one concrete request of a row, built for one role.
type matrixCall struct {
	Path   string
	Body   any
	Header http.Header
	// AsClone sends the request as a throwaway copy of the role's account
	// (same kind, same grants), for calls that end the caller's sessions or
	// change their account or grants: the shared accounts stay as they are
	// for the rows that follow.
	AsClone bool
}

// matrixRow is the expected status of every role for one route and case.
type matrixRow struct {
	Method, Route string // exactly as registered (gin syntax)
	Case          string
	Call          func(t *testing.T, f *matrixFixture, w who) matrixCall
	Want          map[who]int
}

// matrix is appended to by init() functions, one per resource file.
var matrix []matrixRow

// wants is anon for anonymous, def for every signed-in role, then overrides.
func wants(anon, def int, overrides map[who]int) map[who]int {
	m := map[who]int{}
	for _, w := range everyone {
		m[w] = def
	}
	m[anonymous] = anon
	for w, s := range overrides {
		m[w] = s
	}
	return m
}

// at is a Call that sends the same path (and body) for every role.
func at(path string, body any) func(*testing.T, *matrixFixture, who) matrixCall {
	return func(*testing.T, *matrixFixture, who) matrixCall { return matrixCall{Path: path, Body: body} }
}

// matrixFixture is the server, a client per role and the objects the rows point at.
type matrixFixture struct {
	s       *servertest.Server
	clients map[who]*servertest.Client
	emails  map[who]string
	orgA    int64
	orgB    int64
	callID  int64
	hash    string // of demo.Password, made once for every account the fixture creates
	seq     atomic.Int64
}

func (f *matrixFixture) next() int64 { return f.seq.Add(1) }

// user inserts a verified account with grants and returns its id.
func (f *matrixFixture) user(t *testing.T, email, kind string, grants ...domain.Grant) int64 {
	t.Helper()
	ctx := context.Background()
	now := f.s.DB.Clock()
	u := &domain.User{Email: email, Name: "Compte " + email, PasswordHash: f.hash, Kind: kind, EmailVerifiedAt: &now,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, f.s.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := f.s.DB.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		for _, g := range grants {
			g.ID, g.UserID = 0, u.ID
			if err := f.s.DB.AddGrant(ctx, tx, &g); err != nil {
				return err
			}
		}
		return nil
	}))
	return u.ID
}

func (f *matrixFixture) userID(t *testing.T, email string) int64 {
	t.Helper()
	u, err := f.s.DB.UserByEmail(context.Background(), f.s.DB.DB, email)
	require.NoError(t, err)
	return u.ID
}

// client returns the role's shared client, or a signed-in clone of it.
func (f *matrixFixture) client(t *testing.T, w who, clone bool) *servertest.Client {
	t.Helper()
	if w == anonymous {
		return f.s.Anonymous(t)
	}
	if !clone {
		return f.clients[w]
	}
	ctx := context.Background()
	orig, err := f.s.DB.UserByEmail(ctx, f.s.DB.DB, f.emails[w])
	require.NoError(t, err)
	grants, err := f.s.DB.GrantRows(ctx, f.s.DB.DB, orig.ID)
	require.NoError(t, err)
	email := fmt.Sprintf("clone-%d@matrix.test", f.next())
	f.user(t, email, orig.Kind, grants...)
	return f.s.Login(t, email)
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	t.Helper()
	s := servertest.Start(t, servertest.Options{})
	hash, err := password.Hash(demo.Password, password.Default)
	require.NoError(t, err)
	f := &matrixFixture{s: s, hash: hash, clients: map[who]*servertest.Client{}, emails: map[who]string{
		memberA: "membre.a@matrix.test", memberB: "membre.b@matrix.test", adminA: "porteur@demo.tremplin.fr",
		lead: "cheffe.projet@demo.tremplin.fr", revDIESS: "evaluateur.diess@demo.tremplin.fr", revDA: "evaluatrice.da@demo.tremplin.fr",
		committee: "comite@demo.tremplin.fr", finance: "finances@demo.tremplin.fr", admin: "admin@demo.tremplin.fr"}}
	ctx := context.Background()
	var ids []int64
	require.NoError(t, s.DB.NewSelect().TableExpr("organisations").Column("id").Order("id").Scan(ctx, &ids))
	require.GreaterOrEqual(t, len(ids), 2)
	f.orgA, f.orgB = ids[0], ids[1]
	require.NoError(t, s.DB.NewSelect().TableExpr("calls").Column("id").Order("id").Limit(1).Scan(ctx, &f.callID))
	f.user(t, f.emails[memberA], domain.KindApplicant, domain.Grant{Role: domain.RoleOrgMember, Domain: fmt.Sprintf("org:%d", f.orgA)})
	f.user(t, f.emails[memberB], domain.KindApplicant, domain.Grant{Role: domain.RoleOrgMember, Domain: fmt.Sprintf("org:%d", f.orgB)})
	for _, w := range everyone[1:] {
		f.clients[w] = s.Login(t, f.emails[w])
	}
	return f
}

// pathRE turns a gin route into a regexp matching its concrete paths.
func pathRE(route string) *regexp.Regexp {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "[^/]+"
		} else {
			parts[i] = regexp.QuoteMeta(p)
		}
	}
	return regexp.MustCompile("^" + strings.Join(parts, "/") + `(\?.*)?$`)
}

func TestEveryRouteHasMatrixRows(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	covered := map[string]bool{}
	for _, r := range matrix {
		covered[r.Method+" "+r.Route] = true
	}
	registered := map[string]bool{}
	var missing []string
	for _, r := range s.HTTP.Routes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if strings.HasPrefix(r.Path, "/api/v1") && !covered[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "routes without rows in the authorization matrix (append them from your resource's _test.go file)")
	for _, r := range matrix {
		require.True(t, registered[r.Method+" "+r.Route], "matrix row for an unknown route %s %s", r.Method, r.Route)
		require.Len(t, r.Want, len(everyone), "%s %s (%s) must give a status for every role", r.Method, r.Route, r.Case)
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := newMatrixFixture(t)
	// One server, rows run in order: each call sees the state the previous
	// ones left, which the Call builders account for (fresh objects, clones).
	for _, row := range matrix {
		re := pathRE(row.Route)
		for _, w := range everyone {
			call := row.Call(t, f, w)
			require.Regexp(t, re, call.Path, "row %s %s builds a path of another route", row.Method, row.Route)
			c := f.client(t, w, call.AsClone)
			if call.Header != nil {
				cc := *c
				cc.Header = call.Header
				c = &cc
			}
			r := c.Do(row.Method, call.Path, call.Body)
			if r.Status != row.Want[w] {
				t.Errorf("%s %s [%s] as %s: got %d, want %d: %s", row.Method, row.Route, row.Case, w, r.Status, row.Want[w], truncateBody(r.Body))
			}
			if r.Status == http.StatusForbidden || r.Status == http.StatusNotFound || r.Status == http.StatusUnauthorized {
				require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "%s %s as %s", row.Method, call.Path, w)
			}
		}
	}
}

func truncateBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// Rows of the routes that came before identity: session, reference data, public calls.
func init() {
	const (
		ok      = http.StatusOK
		noBody  = http.StatusNoContent
		unauthn = http.StatusUnauthorized
	)
	matrix = append(matrix,
		matrixRow{Method: "POST", Route: "/api/v1/auth/login", Case: "valid credentials of another account",
			Want: wants(ok, ok, nil),
			Call: func(t *testing.T, f *matrixFixture, w who) matrixCall {
				email := fmt.Sprintf("login-%d@matrix.test", f.next())
				f.user(t, email, domain.KindApplicant)
				// A signed-in browser that signs in again loses its old session: use a clone.
				return matrixCall{Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": demo.Password}, AsClone: true}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/auth/me", Case: "self", Want: wants(unauthn, ok, nil), Call: at("/api/v1/auth/me", nil)},
		matrixRow{Method: "POST", Route: "/api/v1/auth/logout", Case: "self", Want: wants(unauthn, noBody, nil),
			Call: func(*testing.T, *matrixFixture, who) matrixCall {
				return matrixCall{Path: "/api/v1/auth/logout", AsClone: true}
			}},
		matrixRow{Method: "POST", Route: "/api/v1/auth/logout-all", Case: "self", Want: wants(unauthn, ok, nil),
			Call: func(*testing.T, *matrixFixture, who) matrixCall {
				return matrixCall{Path: "/api/v1/auth/logout-all", AsClone: true}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/communes", Case: "public", Want: wants(ok, ok, nil), Call: at("/api/v1/communes", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/directions", Case: "public", Want: wants(ok, ok, nil), Call: at("/api/v1/directions", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/publics", Case: "public", Want: wants(ok, ok, nil), Call: at("/api/v1/publics", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls", Case: "public", Want: wants(ok, ok, nil), Call: at("/api/v1/calls", nil)},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id", Case: "published call", Want: wants(ok, ok, nil),
			Call: func(_ *testing.T, f *matrixFixture, _ who) matrixCall {
				return matrixCall{Path: fmt.Sprintf("/api/v1/calls/%d", f.callID)}
			}},
		matrixRow{Method: "GET", Route: "/api/v1/calls/:id", Case: "missing call", Want: wants(404, 404, nil),
			Call: at("/api/v1/calls/999999", nil)},
	)
}
