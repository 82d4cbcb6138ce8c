package authz_test

// Authorization at the scale of a département's whole history: 100,000
// users, 10,000 calls, 5 directions, 200,000 grants. The question asked is
// "may this user read this application?", an application living in an
// organisation, a call and the directions it was routed to.
//
// Our design: the request has loaded the caller's grants (a couple of rows;
// internal/store GrantsOf), and Policy.Can compares them with the object's
// few domains against the role × permission table casbin evaluated at
// start. The naive design: one casbin policy row per (user, object), so
// casbin scans its rows on every check. Both answer the same question.
//
// Run: go test -run '^$' -bench Authorization -benchtime 1x ./internal/authz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/policies"
)

const (
	benchUsers      = 100_000
	benchCalls      = 10_000
	benchGrants     = 200_000
	benchOrgs       = 50_000
	benchStaff      = 10_000 // the rest are applicants
	benchReviewers  = 8_000
	benchPerUser    = benchGrants / benchUsers
	benchDirections = 5
)

var directions = [benchDirections]string{"DIESS", "DA", "DPAS", "DTCM", "DRH"}

// world is the generated population and the questions asked of it.
type world struct {
	policy    *authz.Policy
	grants    [][]authz.Grant // by user id
	questions []question
	// ours is our p50 per check, kept for the ratio of the naive benchmark.
	ours time.Duration
}

// question is one check: a user and the domains of one application.
type question struct {
	user    int
	app     int
	domains []string
}

var (
	worldOnce sync.Once
	theWorld  *world
)

func buildWorld(b *testing.B) *world {
	worldOnce.Do(func() {
		p, err := authz.Load(policies.FS)
		require.NoError(b, err)
		r := rand.New(rand.NewPCG(93, 2027))
		w := &world{policy: p, grants: make([][]authz.Grant, benchUsers)}
		n := 0
		for u := range benchUsers {
			for range benchPerUser {
				var g authz.Grant
				switch {
				case u < benchReviewers: // reviewers: their direction and a call they were invited to
					if len(w.grants[u]) == 0 {
						g = authz.Grant{Role: "reviewer", Domain: authz.DirDomain(directions[r.IntN(benchDirections)])}
					} else {
						g = authz.Grant{Role: "reviewer", Domain: authz.CallDomain(int64(r.IntN(benchCalls)))}
					}
				case u < benchStaff: // project leads, committee, finance, admins
					roles := []string{"project_lead", "committee", "finance", "admin"}
					g = authz.Grant{Role: roles[(u+len(w.grants[u]))%len(roles)], Domain: "*"}
				default: // applicants: member or admin of one or two organisations
					role := "org_member"
					if r.IntN(3) == 0 {
						role = "org_admin"
					}
					g = authz.Grant{Role: role, Domain: authz.OrgDomain(int64(r.IntN(benchOrgs)))}
				}
				w.grants[u] = append(w.grants[u], g)
				n++
			}
		}
		require.Equal(b, benchGrants, n)
		// Applications: one per (org, call) drawn at random, routed to one or two directions.
		for i := range 4096 {
			doms := []string{authz.OrgDomain(int64(r.IntN(benchOrgs))), authz.CallDomain(int64(r.IntN(benchCalls))),
				authz.DirDomain(directions[r.IntN(benchDirections)])}
			if r.IntN(2) == 0 {
				doms = append(doms, authz.DirDomain(directions[r.IntN(benchDirections)]))
			}
			w.questions = append(w.questions, question{user: r.IntN(benchUsers), app: i, domains: doms})
		}
		theWorld = w
	})
	return theWorld
}

// percentiles times fn over samples calls, in batches so the clock's own
// cost (tens of ns) does not dominate a check that costs about as much.
func percentiles(samples, batch int, fn func(i int)) (p50, p99 time.Duration) {
	d := make([]time.Duration, 0, samples/batch)
	for s := 0; s < samples; s += batch {
		start := time.Now()
		for i := s; i < s+batch; i++ {
			fn(i)
		}
		d = append(d, time.Since(start)/time.Duration(batch))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2], d[len(d)*99/100]
}

var sink bool

func BenchmarkAuthorization(b *testing.B) {
	w := buildWorld(b)
	ask := func(i int) bool {
		q := w.questions[i%len(w.questions)]
		s := authz.Subject{UserID: int64(q.user), Grants: w.grants[q.user]}
		return w.policy.Can(&s, "application:read", q.domains...)
	}

	b.Run("grants+Policy.Can", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sink = ask(i)
		}
		p50, p99 := percentiles(1_000_000, 16, func(i int) { sink = ask(i) })
		w.ours = p50
		b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns/check")
		b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns/check")
		b.ReportMetric(benchGrants, "grants")
	})

	b.Run("casbin-row-per-user-object", func(b *testing.B) {
		if w.ours == 0 {
			b.Skip("run together with grants+Policy.Can (the ratio needs its p50)")
		}
		m, err := casbinmodel.NewModelFromString(`
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = r.sub == p.sub && r.obj == p.obj && r.act == p.act`)
		require.NoError(b, err)
		e, err := casbin.NewEnforcer(m)
		require.NoError(b, err)
		// One row per (user, application) the user may read: as many rows as we have grants.
		// The row answering question k sits at position k*stride, spread over the
		// whole table; every other row is someone else's. Half the questions are
		// a "yes" (casbin stops at the matching row), half a "no" (it scans all).
		stride := benchGrants / len(w.questions)
		rules := make([][]string, 0, benchGrants)
		for i := range benchGrants {
			if i%stride == 0 && i/stride < len(w.questions) {
				q := w.questions[i/stride]
				rules = append(rules, []string{fmt.Sprintf("u%d", q.user), fmt.Sprintf("app%d", q.app), "read"})
				continue
			}
			rules = append(rules, []string{fmt.Sprintf("u%d", i%benchUsers), fmt.Sprintf("other%d", i), "read"})
		}
		start := time.Now()
		_, err = e.AddPolicies(rules)
		require.NoError(b, err)
		build := time.Since(start)
		naive := func(i int) {
			q := w.questions[(i*7919)%len(w.questions)]
			app := q.app
			if i%2 == 1 {
				app += 1_000_000 // nobody's: a "no"
			}
			ok, err := e.Enforce(fmt.Sprintf("u%d", q.user), fmt.Sprintf("app%d", app), "read")
			if err != nil {
				b.Fatal(err)
			}
			sink = ok
		}
		for i := 0; b.Loop(); i++ {
			naive(i)
		}
		p50, p99 := percentiles(40, 1, naive)
		b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns/check")
		b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns/check")
		b.ReportMetric(build.Seconds(), "build-s")
		b.ReportMetric(float64(len(rules)), "rows")
		b.ReportMetric(float64(p50)/float64(w.ours), "x-slower-p50")
	})
}

// BenchmarkAuthorizationWithGrantLoad adds what a request really pays: its
// grants read from the database (the indexed GrantsOf query) before the
// check, on the embedded SQLite holding all 200,000 grants.
func BenchmarkAuthorizationWithGrantLoad(b *testing.B) {
	w := buildWorld(b)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(b.TempDir(), "bench.db")})
	require.NoError(b, err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	require.NoError(b, err)
	start := time.Now()
	now := time.Now().UTC().Format(time.RFC3339)
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(b, err)
	users, err := tx.PrepareContext(ctx, "INSERT INTO users (id, email, kind, created_at, updated_at) VALUES (?, ?, 'applicant', ?, ?)")
	require.NoError(b, err)
	grants, err := tx.PrepareContext(ctx, "INSERT INTO grants (user_id, role, domain, created_at) VALUES (?, ?, ?, ?)")
	require.NoError(b, err)
	for u := range benchUsers {
		_, err := users.ExecContext(ctx, u+1, fmt.Sprintf("u%d@bench.test", u), now, now)
		require.NoError(b, err)
		seen := map[authz.Grant]bool{}
		for _, g := range w.grants[u] {
			if !seen[g] { // (user, role, domain) is unique
				seen[g] = true
				_, err := grants.ExecContext(ctx, u+1, g.Role, g.Domain, now)
				require.NoError(b, err)
			}
		}
	}
	require.NoError(b, tx.Commit())
	load := time.Since(start)
	ask := func(i int) {
		q := w.questions[i%len(w.questions)]
		g, err := db.GrantsOf(ctx, db.DB, int64(q.user+1))
		if err != nil {
			b.Fatal(err)
		}
		s := authz.Subject{UserID: int64(q.user + 1), Grants: g}
		sink = w.policy.Can(&s, "application:read", q.domains...)
	}
	for i := 0; b.Loop(); i++ {
		ask(i)
	}
	p50, p99 := percentiles(20_000, 1, ask)
	b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns/check")
	b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns/check")
	b.ReportMetric(load.Seconds(), "load-s")
}
