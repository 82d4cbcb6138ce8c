package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// engineOnly is a fact one engine has and the other legitimately lacks,
// with the reason. An entry that no longer matches a difference fails the
// test, so the list cannot outlive what it excuses.
type engineOnly struct {
	engine store.Engine
	fact   string
	why    string
}

var allowedDifferences = []engineOnly{
	// Full-text search (00006): PostgreSQL keeps a tsvector column filled by
	// a trigger and searched through a GIN index; SQLite keeps an FTS5
	// virtual table filled by triggers. Same search, different machinery.
	{store.Postgres, "column applications.search_vector", "PostgreSQL full-text search column"},
	{store.Postgres, "index applications (search_vector) using gin", "PostgreSQL full-text search index"},
	{store.SQLite, "virtual applications_fts", "SQLite FTS5 full-text index"},
	// Day strings (00007): PostgreSQL checks the shape with a regular
	// expression, SQLite (no regexp function by default) with GLOB. Both
	// accept exactly YYYY-MM-DD digits.
	{store.Postgres, "check review_assignments: due_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'", "regexp day check"},
	{store.SQLite, "check review_assignments: due_on glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'", "GLOB day check"},
	{store.Postgres, "check committee_sessions: held_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'", "regexp day check"},
	{store.SQLite, "check committee_sessions: held_on glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'", "GLOB day check"},
}

// The migrations of both engines build the same schema: tables, columns
// (type, nullability, default), primary keys, indexes, foreign keys and
// CHECK constraints, read back from each engine's catalogue. A migration
// written for one engine and forgotten, or written differently, for the
// other fails here with the facts each side lacks.
func TestMigratedSchemasMatchAcrossEngines(t *testing.T) {
	t.Parallel()
	if os.Getenv("DATABASE_URL") == "" {
		t.Skip("PostgreSQL skipped (DATABASE_URL unset): SQLite's schema has nothing to be compared with; CI sets it")
	}
	lite := readSchema(t, storetest.New(t, store.SQLite))
	pg := readSchema(t, storetest.New(t, store.Postgres))
	require.NotEmpty(t, lite)
	require.NotEmpty(t, pg)

	var problems []string
	allowed := map[store.Engine]map[string]bool{store.Postgres: {}, store.SQLite: {}}
	for _, a := range allowedDifferences {
		allowed[a.engine][a.fact] = true
	}
	used := map[string]bool{}
	for _, side := range []struct {
		engine      store.Engine
		have, other schema
	}{{store.Postgres, pg, lite}, {store.SQLite, lite, pg}} {
		for _, k := range sortedKeys(side.have) {
			if _, ok := side.other[k]; ok {
				continue
			}
			if allowed[side.engine][k] {
				used[string(side.engine)+" "+k] = true
				continue
			}
			problems = append(problems, strings.TrimSpace(fmt.Sprintf("only on %-9s %s %s", side.engine+":", k, side.have[k])))
		}
	}
	for _, k := range sortedKeys(pg) {
		if l, ok := lite[k]; ok && !sameColumn(pg[k], l) {
			problems = append(problems, fmt.Sprintf("differs:          %s: postgres %q, sqlite %q", k, pg[k], l))
		}
	}
	for _, a := range allowedDifferences {
		if !used[string(a.engine)+" "+a.fact] {
			problems = append(problems, fmt.Sprintf("stale allow-list entry (%s, %s): %s", a.engine, a.why, a.fact))
		}
	}
	if len(problems) > 0 {
		t.Fatalf("the migrated schemas differ (fix with a new migration in both engines, "+
			"or allow a legitimate difference in allowedDifferences):\n%s", strings.Join(problems, "\n"))
	}
}

// sameColumn compares two column descriptions ("type[ not null][ default
// x]"). SQLite declares times and JSON documents as TEXT, having neither
// type, so text there stands for time or json on PostgreSQL.
func sameColumn(pg, lite string) bool {
	if pg == lite {
		return true
	}
	pt, prest, _ := strings.Cut(pg, " ")
	lt, lrest, _ := strings.Cut(lite, " ")
	return lt == "text" && (pt == "time" || pt == "json") && prest == lrest
}

// The reader sees each kind of drift: a schema changed behind the
// migrations' back differs from a freshly migrated one in exactly the
// facts that changed, on either engine.
func TestSchemaReaderSeesEachKindOfDrift(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := readSchema(t, db)
		for _, q := range []string{
			"CREATE TABLE drift_parent (code TEXT PRIMARY KEY)",
			"CREATE TABLE drift (id BIGINT NOT NULL, parent TEXT REFERENCES drift_parent (code) ON DELETE CASCADE, " +
				"n BIGINT DEFAULT 3 CHECK (n > 2), PRIMARY KEY (id))",
			"CREATE UNIQUE INDEX drift_n ON drift (parent, n) WHERE n IS NOT NULL",
			"ALTER TABLE calls ADD COLUMN drift_flag BOOLEAN NOT NULL DEFAULT FALSE",
			"CREATE INDEX drift_calls_title ON calls (lower(title))",
		} {
			_, err := db.ExecContext(ctx, q)
			require.NoError(t, err, q)
		}
		after := readSchema(t, db)
		added := map[string]string{}
		for k, v := range after {
			if _, ok := before[k]; !ok {
				added[k] = v
			}
		}
		require.Equal(t, map[string]string{
			"table drift_parent":              "",
			"column drift_parent.code":        "text not null",
			"primary key drift_parent (code)": "",
			"table drift":                     "",
			"column drift.id":                 "int64 not null",
			"column drift.parent":             "text",
			"column drift.n":                  "int64 default 3",
			"primary key drift (id)":          "",
			"foreign key drift (parent) references drift_parent (code) on delete cascade": "",
			"check drift: n > 2": "",
			"unique index drift (parent, n) where n is not null": "",
			"column calls.drift_flag":                            "bool not null default 0",
			"index calls (lower title)":                          "",
		}, added)
		require.Len(t, after, len(before)+len(added), "nothing else changed")
	})
}

func TestNormExprBringsBothCataloguesToOneForm(t *testing.T) {
	t.Parallel()
	for pg, lite := range map[string]string{
		"(kind = ANY (ARRAY['applicant'::text, 'staff'::text]))":                         "kind IN ('applicant', 'staff')",
		"((share_bp > 0) AND (share_bp <= 10000))":                                       "share_bp > 0 AND share_bp <= 10000",
		"((state <> 'submitted'::text) OR (weighted IS NOT NULL))":                       "state <> 'submitted' OR weighted IS NOT NULL",
		"(state <> ALL (ARRAY['a'::character varying, 'b'::character varying]::text[]))": `"state" NOT IN ('a','b')`,
		"'{}'::jsonb":                            "'{}'",
		"COALESCE(submitted_at, created_at), id": "(COALESCE(submitted_at, created_at)), id",
		"(agreement_number <> ''::text)":         "agreement_number != ''",
	} {
		require.Equal(t, normExpr(lite), normExpr(pg), pg)
	}
	require.NotEqual(t, normExpr("n >= 0"), normExpr("n > 0"))
	require.NotEqual(t, normExpr("kind IN ('a', 'b')"), normExpr("kind IN ('a', 'c')"))
	require.Equal(t, []string{"kind IN ('a', 'b')", "n > 0 AND (m < 1)"},
		checkClauses("CREATE TABLE x (\n  -- a CHECK (in a comment)\n  kind TEXT CHECK (kind IN ('a', 'b')),\n"+
			"  note TEXT DEFAULT 'CHECK (x)',\n  CONSTRAINT c CHECK(n > 0 AND (m < 1))\n)"))
}
