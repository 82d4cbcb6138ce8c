package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

var instrSeq atomic.Int64

// instrFixture is a call with its directions and a way to add submitted applications.
type instrFixture struct {
	t    *testing.T
	db   *store.DB
	call *domain.Call
	base time.Time
}

func newInstrFixture(t *testing.T, db *store.DB, directions ...string) *instrFixture {
	t.Helper()
	now := db.Clock()
	c := &domain.Call{Title: "Mobilité solidaire", State: "published", WorkflowVersion: 1, Themes: []string{}, Publics: []string{},
		Communes: []string{}, Directions: directions, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertCall(context.Background(), db.DB, c))
	return &instrFixture{t: t, db: db, call: c, base: time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)}
}

// org creates an organisation in commune (may be "").
func (f *instrFixture) org(name, commune string) *domain.Organisation {
	f.t.Helper()
	now := f.db.Clock()
	siret := fmt.Sprintf("9%013d", instrSeq.Add(1))
	o := &domain.Organisation{LegalName: name, SIRET: &siret, LegalForm: "association", CreatedAt: now, UpdatedAt: now, Version: 1}
	if commune != "" {
		o.CommuneINSEE = &commune
	}
	require.NoError(f.t, f.db.InsertOrganisation(context.Background(), f.db.DB, o))
	return o
}

// app inserts an application in state, submitted minutes after the base time.
func (f *instrFixture) app(o *domain.Organisation, state, title string, answers map[string]any, cents int64, minutes int) *domain.Application {
	f.t.Helper()
	now := f.db.Clock()
	at := f.base.Add(time.Duration(minutes) * time.Minute)
	ap := &domain.Application{Reference: fmt.Sprintf("AAP-T-%d", instrSeq.Add(1)), CallID: f.call.ID, OrgID: o.ID, Title: title,
		State: state, WorkflowVersion: 1, Answers: answers, RequestedCents: domain.Money(cents), CreatedAt: now, UpdatedAt: now, Version: 1}
	if state != "draft" {
		ap.SubmittedAt = &at
	}
	require.NoError(f.t, f.db.InsertApplication(context.Background(), f.db.DB, ap))
	return ap
}

func ids(rows []store.InstructionRow) []int64 {
	out := []int64{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestInstructionSearchFoldsAccentsAndPlurals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newInstrFixture(t, db)
		roues := f.org("Roues Solidaires 93", "93066")
		mobil := f.org("Mobil'Emploi", "")
		velo := f.app(roues, "submitted", "Atelier de réparation", map[string]any{
			"resume": "Un atelier vélo itinérant pour les seniors", "lieux": []any{map[string]any{"commune": "93008"}}}, 500000, 1)
		permis := f.app(mobil, "in_instruction", "Permis solidaire", map[string]any{
			"resume": "Auto-école sociale pour les allocataires du RSA", "publics": []any{domain.PublicInsertion}}, 1200000, 2)
		f.app(roues, "draft", "Brouillon vélo", map[string]any{"resume": "vélo"}, 0, 3)

		search := func(q string) []int64 {
			t.Helper()
			page, err := db.ListInstruction(ctx, store.InstructionFilter{Q: q, ByRank: true})
			require.NoError(t, err, q)
			return ids(page.Items)
		}
		// With or without accents, singular or plural: the same application; never the draft.
		for _, q := range []string{"vélos", "velos", "vélo", "VELO"} {
			require.Equal(t, []int64{velo.ID}, search(q), q)
		}
		require.Equal(t, []int64{velo.ID}, search("réparations"), "a plural of the title")
		require.Equal(t, []int64{permis.ID}, search("mobil'emploi"), "the organisation's name")
		require.Equal(t, []int64{permis.ID}, search("auto-école"))
		require.Empty(t, search("vélo -atelier"), "an excluded word")
		require.ElementsMatch(t, []int64{velo.ID, permis.ID}, search("vélo or permis"))
		require.Empty(t, search(`"; DROP TABLE applications; --`), "operators and punctuation are only text")

		// Renaming the organisation re-indexes its applications.
		_, err := db.NewUpdate().TableExpr("organisations").Set("legal_name = ?", "Cyclo Fraternité").Where("id = ?", roues.ID).Exec(ctx)
		require.NoError(t, err)
		require.Equal(t, []int64{velo.ID}, search("fraternité"))
		require.Empty(t, search("roues"))

		// An answer edited later is searchable at once (the trigger, not the use case, keeps the index).
		_, err = db.NewUpdate().TableExpr("applications").Set("answers = ?", `{"resume":"Navettes à la demande"}`).Where("id = ?", permis.ID).Exec(ctx)
		require.NoError(t, err)
		require.Equal(t, []int64{permis.ID}, search("navette"))
		require.Empty(t, search("allocataires"))
	})
}

func TestInstructionFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newInstrFixture(t, db, "DA")
		other := newInstrFixture(t, db, "DIESS")
		other.base = f.base
		o := f.org("Asso Saint-Denis", "93066")
		a1 := f.app(o, "submitted", "A", map[string]any{"lieux": []any{map[string]any{"commune": "93008"}}, "publics": []any{"personnes_agees"}}, 100000, 1)
		a2 := f.app(o, "in_instruction", "B", map[string]any{"publics": []any{"jeunes", "personnes_agees"}}, 300000, 2)
		a3 := other.app(o, "submitted", "C", map[string]any{}, 500000, 3)

		list := func(flt store.InstructionFilter) []int64 {
			t.Helper()
			page, err := db.ListInstruction(ctx, flt)
			require.NoError(t, err)
			return ids(page.Items)
		}
		require.Equal(t, []int64{a1.ID, a2.ID, a3.ID}, list(store.InstructionFilter{}))
		require.Equal(t, []int64{a1.ID, a2.ID}, list(store.InstructionFilter{CallID: f.call.ID}))
		require.Equal(t, []int64{a2.ID}, list(store.InstructionFilter{States: []string{"in_instruction"}}))
		// A commune named in the answers; else the organisation's commune.
		require.Equal(t, []int64{a1.ID}, list(store.InstructionFilter{Commune: "93008"}))
		require.Equal(t, []int64{a2.ID, a3.ID}, list(store.InstructionFilter{Commune: "93066"}))
		require.Equal(t, []int64{a1.ID, a2.ID}, list(store.InstructionFilter{Public: "personnes_agees"}))
		require.Equal(t, []int64{a2.ID}, list(store.InstructionFilter{Public: "jeunes"}))
		require.Equal(t, []int64{a3.ID}, list(store.InstructionFilter{Direction: "DIESS"}))
		min, max := int64(200000), int64(400000)
		require.Equal(t, []int64{a2.ID}, list(store.InstructionFilter{MinCents: &min, MaxCents: &max}))
		require.Equal(t, []int64{a3.ID}, list(store.InstructionFilter{CallIDs: []int64{other.call.ID}}))
		require.Empty(t, list(store.InstructionFilter{CallIDs: []int64{}}))

		page, err := db.ListInstruction(ctx, store.InstructionFilter{CallID: f.call.ID})
		require.NoError(t, err)
		require.Equal(t, []string{"93008"}, page.Items[0].Communes())
		require.Equal(t, []string{"personnes_agees"}, page.Items[0].Publics())
		require.Equal(t, "Mobilité solidaire", page.Items[0].CallTitle)
		require.Equal(t, "Asso Saint-Denis", page.Items[0].OrgName)

		// Editing the answers moves the facets.
		_, err = db.NewUpdate().TableExpr("applications").Set("answers = ?", `{"publics":["jeunes"]}`).Where("id = ?", a1.ID).Exec(ctx)
		require.NoError(t, err)
		require.Equal(t, []int64{a2.ID}, list(store.InstructionFilter{Public: "personnes_agees"}))
		require.Equal(t, []int64{a1.ID, a2.ID, a3.ID}, list(store.InstructionFilter{Commune: "93066"}))
	})
}

func TestInstructionKeysetPagesNeitherRepeatNorSkip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newInstrFixture(t, db)
		o := f.org("Vélo pour tous", "")
		var want []int64
		for i := 0; i < 23; i++ {
			// Several share a submission time: the id breaks the tie.
			title := "Projet"
			if i%3 == 0 {
				title = "Projet vélo vélo"
			}
			want = append(want, f.app(o, "submitted", title, map[string]any{}, 0, i/4).ID)
		}
		walk := func(flt store.InstructionFilter) []int64 {
			t.Helper()
			var got []int64
			flt.Limit = 5
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10)
				page, err := db.ListInstruction(ctx, flt)
				require.NoError(t, err)
				got = append(got, ids(page.Items)...)
				if page.NextCursor == nil {
					return got
				}
				flt.Cursor = *page.NextCursor
				// Rows submitted while the user pages through do not shift the pages.
				if pages == 1 {
					f.app(o, "submitted", "Arrivé pendant la lecture vélo", map[string]any{}, 0, 60)
				}
			}
		}
		got := walk(store.InstructionFilter{})
		require.Equal(t, want, got[:len(want)])
		require.Len(t, got, len(want)+1, "the late row comes last, once")

		// By relevance: every match exactly once, the title-heavy ones first.
		ranked := walk(store.InstructionFilter{Q: "vélo", ByRank: true})
		seen := map[int64]bool{}
		for _, id := range ranked {
			require.False(t, seen[id], "id %d twice", id)
			seen[id] = true
		}
		// Every application matches (the organisation's name); the row that
		// arrives during this walk ranks first, before the cursor: not seen.
		require.Len(t, ranked, 23+1)
		require.Contains(t, []int64{want[0], want[3], want[6], want[9], want[12], want[15], want[18], want[21]}, ranked[0])

		_, err := db.ListInstruction(ctx, store.InstructionFilter{Cursor: "pas-un-curseur"})
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
		_, err = db.ListInstruction(ctx, store.InstructionFilter{Q: "vélo", ByRank: true, Cursor: "cGFzLXVuLWN1cnNldXI"})
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))
	})
}

func TestFTS5QueryQuotesEveryTerm(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"vélo atelier":            `"vélo" AND "atelier"`,
		`"atelier vélo" -permis`:  `"atelier vélo" NOT "permis"`,
		"vélo or permis":          `("vélo" OR "permis")`,
		`NEAR(a b) * ^col:x "`:    `"NEAR a" AND "b" AND "col x"`,
		"-seulement":              "",
		"  ":                      "",
		"saint-denis":             `"saint denis"`,
		"or vélo":                 `"or" AND "vélo"`,
		"vélo OR permis or train": `(("vélo" OR "permis") OR "train")`,
	} {
		require.Equal(t, want, store.FTS5Query(in), in)
	}
}

func TestTargetPublicsMatchTheDomain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var rows []struct {
			Code  string `bun:"code"`
			Label string `bun:"label"`
		}
		require.NoError(t, db.NewSelect().TableExpr("target_publics").Column("code", "label").Scan(context.Background(), &rows))
		got := map[string]string{}
		for _, r := range rows {
			got[r.Code] = r.Label
		}
		require.Equal(t, domain.Publics, got, "migrations' target_publics and domain.Publics must list the same publics")
	})
}
