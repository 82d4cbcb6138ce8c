package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func caTestCall(t *testing.T, db *store.DB) *domain.Call {
	t.Helper()
	now := db.Clock()
	c := &domain.Call{Title: "Appel", State: "draft", WorkflowVersion: 1, Themes: []string{}, Publics: []string{},
		Communes: []string{}, Directions: []string{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertCall(context.Background(), db.DB, c))
	return c
}

func caTestApplication(t *testing.T, db *store.DB, callID int64) *domain.Application {
	t.Helper()
	ctx := context.Background()
	now := db.Clock()
	siret := fmt.Sprintf("%014d", now.UnixNano()%1e14)
	o := &domain.Organisation{LegalName: "Asso", SIRET: &siret, LegalForm: "association", CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertOrganisation(ctx, db.DB, o))
	ap := &domain.Application{Reference: "AAP-T-" + siret, CallID: callID, OrgID: o.ID, State: "draft", WorkflowVersion: 1,
		Answers: map[string]any{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertApplication(ctx, db.DB, ap))
	return ap
}

func TestCallUpdateIsOptimistic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := caTestCall(t, db)
		first, second := *c, *c
		first.Title, first.Settings.Form = "Appel modifié", domain.FormSchema{Fields: []domain.FormField{{Key: "titre", Type: domain.FieldShortText, Label: "Titre"}}}
		closes := time.Date(2027, 3, 31, 16, 0, 0, 0, time.UTC)
		first.ClosesAt = &closes
		require.NoError(t, db.UpdateCall(ctx, db.DB, &first))
		require.Equal(t, int64(2), first.Version)

		// The second editor started from version 1: refused, nothing written.
		second.Title = "Autre titre"
		err := db.UpdateCall(ctx, db.DB, &second)
		require.Equal(t, "stale_version", domain.AsError(err).Reason)

		got, err := db.GetCall(ctx, db.DB, c.ID)
		require.NoError(t, err)
		require.Equal(t, "Appel modifié", got.Title)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, "titre", got.Settings.Form.Fields[0].Key)
		require.True(t, closes.Equal(*got.ClosesAt))

		missing := *c
		missing.ID = 999_999
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(db.UpdateCall(ctx, db.DB, &missing)))

		page, err := db.ListAllCalls(ctx, store.StaffCallFilter{States: []string{"draft"}})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)

		due, err := db.DueCalls(ctx, closes.Add(time.Minute), 10)
		require.NoError(t, err)
		require.Empty(t, due, "a draft never closes by itself")
	})
}

func TestReferenceSequenceIsUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const workers = 16
		var (
			mu   sync.Mutex
			seen = map[int64]bool{}
			wg   sync.WaitGroup
		)
		errs := make(chan error, workers)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
					n, err := db.NextReference(ctx, tx, "AAP-2027")
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					if seen[n] {
						return fmt.Errorf("reference %d handed out twice", n)
					}
					seen[n] = true
					return nil
				})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, seen, workers)
		for i := int64(1); i <= workers; i++ {
			require.True(t, seen[i], "no gap: %d", i)
		}
		n, err := db.NextReference(ctx, db.DB, "AAP-2028")
		require.NoError(t, err)
		require.Equal(t, int64(1), n, "each year has its own sequence")
	})
}

func TestApplicationVersionsAndAnswerHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := caTestCall(t, db)
		ap := caTestApplication(t, db, c.ID)
		now := db.Clock()
		require.NoError(t, db.SaveAnswerVersion(ctx, db.DB, &store.AnswerVersion{ApplicationID: ap.ID, Version: 1, Answers: map[string]any{}, SavedAt: now}))

		ap.Answers = map[string]any{"titre": "Atelier vélo"}
		ap.Budget = domain.Budget{Lines: []domain.BudgetLine{{Account: "60", Amount: 1000}}}
		require.NoError(t, db.SaveApplicationDraft(ctx, db.DB, ap))
		require.Equal(t, int64(2), ap.Version)
		require.NoError(t, db.SaveAnswerVersion(ctx, db.DB, &store.AnswerVersion{ApplicationID: ap.ID, Version: 2, Answers: ap.Answers, Budget: ap.Budget, SavedAt: now}))

		stale := *ap
		stale.Version = 1
		require.Equal(t, "stale_version", domain.AsError(db.SaveApplicationDraft(ctx, db.DB, &stale)).Reason)

		// A transition moved the version to 3 without touching answers: the base at 3 is the row of 2.
		base, ok, err := db.AnswerVersionAt(ctx, db.DB, ap.ID, 3)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(2), base.Version)
		require.Equal(t, "Atelier vélo", base.Answers["titre"])
		require.Equal(t, domain.Money(1000), base.Budget.Lines[0].Amount)

		v1 := &store.ApplicationVersion{ApplicationID: ap.ID, Answers: ap.Answers, Budget: ap.Budget, Transition: "submit", SubmittedAt: now,
			Documents: []store.VersionDocument{{ID: 1, Slot: "rib", Filename: "rib.pdf"}}}
		require.NoError(t, db.InsertApplicationVersion(ctx, db.DB, v1))
		require.Equal(t, 1, v1.N)
		require.NoError(t, db.MarkSubmitted(ctx, db.DB, ap.ID, now))

		// A correction changes the draft; the submitted version stays as it was.
		ap.Answers = map[string]any{"titre": "Atelier vélo solidaire"}
		require.NoError(t, db.SaveApplicationDraft(ctx, db.DB, ap))
		v2 := &store.ApplicationVersion{ApplicationID: ap.ID, Answers: ap.Answers, Transition: "resubmit", SubmittedAt: now.Add(time.Hour)}
		require.NoError(t, db.InsertApplicationVersion(ctx, db.DB, v2))
		require.Equal(t, 2, v2.N)
		require.NoError(t, db.MarkSubmitted(ctx, db.DB, ap.ID, now.Add(time.Hour)))

		list, err := db.ListApplicationVersions(ctx, db.DB, ap.ID)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, "Atelier vélo", list[0].Answers["titre"])
		require.Equal(t, "rib.pdf", list[0].Documents[0].Filename)
		latest, err := db.GetApplicationVersion(ctx, db.DB, ap.ID, 0)
		require.NoError(t, err)
		require.Equal(t, 2, latest.N)
		_, err = db.GetApplicationVersion(ctx, db.DB, ap.ID, 7)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))

		got, err := db.GetApplication(ctx, db.DB, ap.ID)
		require.NoError(t, err)
		require.True(t, now.Equal(*got.SubmittedAt), "the first submission time is kept")

		items, err := db.ApplicationsOfOrgs(ctx, []int64{ap.OrgID}, 10)
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, "Appel", items[0].CallTitle)
	})
}
