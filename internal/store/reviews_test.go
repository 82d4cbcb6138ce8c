package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// reviewFixture is a call with applications in review and two reviewers.
type reviewFixture struct {
	call             *domain.Call
	org              *domain.Organisation
	apps             []*domain.Application
	diess, da, other int64
}

func newReviewFixture(t testing.TB, db *store.DB, apps int) *reviewFixture {
	t.Helper()
	ctx := context.Background()
	now := db.Clock()
	f := &reviewFixture{}
	require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		user := func(email, grantDomain string) int64 {
			u := &domain.User{Email: email, Name: email, Kind: domain.KindStaff, CreatedAt: now, UpdatedAt: now, Version: 1}
			require.NoError(t, db.InsertUser(ctx, tx, u))
			if grantDomain != "" {
				require.NoError(t, db.AddGrant(ctx, tx, &domain.Grant{UserID: u.ID, Role: domain.RoleReviewer, Domain: grantDomain, CreatedAt: now}))
			}
			return u.ID
		}
		f.diess, f.da, f.other = user("diess@test.fr", "dir:DIESS"), user("da@test.fr", "dir:DA"), user("other@test.fr", "")
		siret := "73282932000074"
		f.org = &domain.Organisation{LegalName: "Roues Solidaires 93", SIRET: &siret, LegalForm: "association", CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertOrganisation(ctx, tx, f.org))
		f.call = &domain.Call{Title: "AAP test", State: "published", WorkflowVersion: 1, EnvelopeCents: domain.Euros(100_000),
			CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertCall(ctx, tx, f.call))
		for i := 0; i < apps; i++ {
			ap := &domain.Application{Reference: fmt.Sprintf("T-%05d", i), CallID: f.call.ID, OrgID: f.org.ID, Title: fmt.Sprintf("Projet %d", i),
				State: "in_review", WorkflowVersion: 1, Answers: map[string]any{}, RequestedCents: domain.Euros(10_000),
				CreatedAt: now, UpdatedAt: now, Version: 1}
			require.NoError(t, db.InsertApplication(ctx, tx, ap))
			f.apps = append(f.apps, ap)
		}
		return nil
	}))
	return f
}

func TestReviewsStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db, 2)
		ap := f.apps[0]
		now := db.Clock()
		tx := db.DB
		ra := &store.ReviewAssignment{ApplicationID: ap.ID, Direction: "DIESS", DueOn: "2027-01-10", CreatedAt: now}
		require.NoError(t, db.InsertAssignment(ctx, tx, ra))
		err := db.InsertAssignment(ctx, tx, &store.ReviewAssignment{ApplicationID: ap.ID, Direction: "DIESS", DueOn: "2027-01-11", CreatedAt: now})
		require.Equal(t, "already_assigned", domain.AsError(err).Reason)
		// A personal routing of the DA reviewer, besides the direction one.
		require.NoError(t, db.InsertAssignment(ctx, tx, &store.ReviewAssignment{ApplicationID: ap.ID, Direction: "DA", ReviewerID: &f.da,
			DueOn: "2027-01-05", CreatedAt: now}))

		rs, err := db.ReviewState(ctx, tx, ap.ID)
		require.NoError(t, err)
		require.Equal(t, store.ReviewStateOf{Assignments: 2, Pending: 2, Directions: []string{"DA", "DIESS"}}, rs)

		// Queues: DIESS by direction, DA personally (earliest due date), nobody else.
		q, err := db.ReviewQueue(ctx, f.diess, []string{"DIESS"}, nil)
		require.NoError(t, err)
		require.Len(t, q, 1)
		require.Equal(t, "2027-01-10", q[0].DueOn)
		require.Equal(t, "Roues Solidaires 93", q[0].OrgName)
		q, err = db.ReviewQueue(ctx, f.da, []string{"DA"}, nil)
		require.NoError(t, err)
		require.Len(t, q, 1)
		require.Equal(t, "2027-01-05", q[0].DueOn)
		q, err = db.ReviewQueue(ctx, f.other, nil, []int64{f.call.ID})
		require.NoError(t, err)
		require.Len(t, q, 2, "a partner invited to the call sees its applications in review")

		// Reviews: a draft does not answer the routing, a submission does.
		w := 3.5
		r := &store.Review{ApplicationID: ap.ID, CallID: f.call.ID, ReviewerID: f.diess, Direction: "DIESS", State: store.ReviewDraft,
			Scores: []domain.Score{{Criterion: "a", Value: 3}}, CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertReview(ctx, tx, r))
		require.Equal(t, "review_exists", domain.AsError(db.InsertReview(ctx, tx, &store.Review{ApplicationID: ap.ID, CallID: f.call.ID,
			ReviewerID: f.diess, State: store.ReviewDraft, CreatedAt: now, UpdatedAt: now, Version: 1})).Reason)
		rs, _ = db.ReviewState(ctx, tx, ap.ID)
		require.Equal(t, 2, rs.Pending)
		r.State, r.Weighted, r.SubmittedAt = store.ReviewSubmitted, &w, &now
		require.NoError(t, db.UpdateReview(ctx, tx, r, 1))
		require.EqualValues(t, 2, r.Version)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(db.UpdateReview(ctx, tx, r, 1)), "a stale write is a conflict")
		rs, _ = db.ReviewState(ctx, tx, ap.ID)
		require.Equal(t, 1, rs.Pending)
		got, err := db.ReviewOf(ctx, tx, ap.ID, f.diess)
		require.NoError(t, err)
		require.Equal(t, []domain.Score{{Criterion: "a", Value: 3}}, got.Scores)

		// The ranking reads exactly the submitted reviews' five columns.
		in, err := db.RankingInputs(ctx, f.call.ID)
		require.NoError(t, err)
		require.Equal(t, []domain.ReviewInput{{ApplicationID: ap.ID, ReviewerID: f.diess, Direction: "DIESS", Weighted: 3.5}}, in)

		// Reminders: the DA reviewer is still expected (personal routing), DIESS answered.
		pa, err := db.PendingAssignments(ctx, tx, "2027-01-01", "2027-01-31")
		require.NoError(t, err)
		require.Len(t, pa, 1)
		require.Equal(t, "da@test.fr", pa[0].Email)

		// A recusal leaves the queue.
		rec := &store.Review{ApplicationID: ap.ID, CallID: f.call.ID, ReviewerID: f.da, Direction: "DA", State: store.ReviewRecused,
			ConflictReason: "Membre du bureau", CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertReview(ctx, tx, rec))
		q, err = db.ReviewQueue(ctx, f.da, []string{"DA"}, nil)
		require.NoError(t, err)
		require.Empty(t, q)
		all, err := db.ReviewsOfApplication(ctx, tx, ap.ID)
		require.NoError(t, err)
		require.Len(t, all, 2)
		require.Equal(t, "da@test.fr", all[0].ReviewerEmail)

		_, err = db.DeleteAssignment(ctx, tx, ap.ID, ra.ID)
		require.NoError(t, err)
		_, err = db.DeleteAssignment(ctx, tx, ap.ID, ra.ID)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
	})
}

func TestCommitteeAndDecisionsStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db, 3)
		now := db.Clock()
		tx := db.DB
		s := &store.CommitteeSession{CallID: f.call.ID, Title: "Comité", HeldOn: "2027-03-12", Members: []string{"A"}, CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertCommitteeSession(ctx, tx, s))
		ids := []int64{f.apps[2].ID, f.apps[0].ID}
		require.NoError(t, db.SetAgenda(ctx, tx, s.ID, ids))
		p := domain.Euros(4_000)
		require.NoError(t, db.SetProposed(ctx, tx, s.ID, f.apps[0].ID, &p))
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(db.SetProposed(ctx, tx, s.ID, f.apps[1].ID, &p)))
		// Reordering keeps the provisional amounts; dropping removes the item.
		require.NoError(t, db.SetAgenda(ctx, tx, s.ID, []int64{f.apps[0].ID}))
		agenda, err := db.Agenda(ctx, tx, s.ID)
		require.NoError(t, err)
		require.Len(t, agenda, 1)
		require.Equal(t, p, *agenda[0].Proposed)
		require.Equal(t, domain.Euros(10_000), agenda[0].Requested)
		require.Equal(t, "Roues Solidaires 93", agenda[0].OrgName)

		s.Title = "Comité du 12 mars"
		require.NoError(t, db.UpdateCommitteeSession(ctx, tx, s, 1))
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(db.UpdateCommitteeSession(ctx, tx, s, 1)))

		decide := func(app int64, kind string, amount domain.Money) *store.Decision {
			d := &store.Decision{ApplicationID: app, CallID: f.call.ID, SessionID: &s.ID, Kind: kind, Amount: amount,
				DeliberationRef: "CP-1", DeliberationOn: "2027-03-12", PaymentMode: "échelonné", DecidedAt: now}
			require.NoError(t, db.InsertDecision(ctx, tx, d))
			return d
		}
		decide(f.apps[0].ID, store.DecisionDefer, 0)
		d0 := decide(f.apps[0].ID, store.DecisionAccept, domain.Euros(6_000))
		decide(f.apps[1].ID, store.DecisionRefuse, 0)
		total, err := db.AcceptedTotal(ctx, tx, f.call.ID, 0)
		require.NoError(t, err)
		require.Equal(t, domain.Euros(6_000), total)
		total, _ = db.AcceptedTotal(ctx, tx, f.call.ID, f.apps[0].ID)
		require.Zero(t, total)
		cur, err := db.CurrentDecisions(ctx, tx, []int64{f.apps[0].ID, f.apps[1].ID, f.apps[2].ID})
		require.NoError(t, err)
		require.Equal(t, store.DecisionAccept, cur[f.apps[0].ID].Kind)
		require.Len(t, cur, 2)

		_, err = db.PublishedDecision(ctx, tx, f.apps[0].ID)
		require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
		ok, err := db.PublishDecision(ctx, tx, d0, now, nil)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.PublishDecision(ctx, tx, d0, now, nil)
		require.NoError(t, err)
		require.False(t, ok, "a decision is published once")

		// A correction: the published decision stays the public one until the correction is published.
		corr := &store.Decision{ApplicationID: f.apps[0].ID, CallID: f.call.ID, Kind: store.DecisionAccept, Amount: domain.Euros(5_000),
			SupersedesID: &d0.ID, CorrectionReason: "erreur", DeliberationRef: "CP-2", DeliberationOn: "2027-04-02", PaymentMode: "unique", DecidedAt: now}
		require.NoError(t, db.InsertDecision(ctx, tx, corr))
		grants, err := db.PublishedGrants(ctx)
		require.NoError(t, err)
		require.Len(t, grants, 1)
		require.Equal(t, domain.Euros(6_000), grants[0].Amount)
		_, err = db.PublishDecision(ctx, tx, corr, now.Add(time.Minute), nil)
		require.NoError(t, err)
		grants, err = db.PublishedGrants(ctx)
		require.NoError(t, err)
		require.Len(t, grants, 1)
		require.Equal(t, domain.Euros(5_000), grants[0].Amount)
		require.Equal(t, "73282932000074", *grants[0].BeneficiarySIRET)
		// The beneficiary is frozen on the decision: renaming the organisation
		// (or changing its SIRET) afterwards does not change the grant.
		_, err = tx.NewUpdate().TableExpr("organisations").Set("legal_name = 'Nouveau nom'").Set("siret = NULL").Set("rna = 'W931009999'").
			Where("id = ?", f.org.ID).Exec(ctx)
		require.NoError(t, err)
		grants, err = db.PublishedGrants(ctx)
		require.NoError(t, err)
		require.Equal(t, "Roues Solidaires 93", grants[0].BeneficiaryName)
		require.Equal(t, "73282932000074", *grants[0].BeneficiarySIRET)
		require.Nil(t, grants[0].BeneficiaryRNA)
		old, err := db.GetDecision(ctx, tx, d0.ID)
		require.NoError(t, err)
		require.NotNil(t, old.SupersededAt)
		require.Equal(t, domain.Euros(6_000), old.Amount, "the published row itself never changes")
	})
}

// BenchmarkRanking2000x5 reads a call's 10,000 submitted reviews (2,000
// applications × 5 reviewers) and the ranked applications' headers, then
// ranks them with per-reviewer normalisation: what GET /calls/:id/ranking
// costs, on SQLite and (with DATABASE_URL) PostgreSQL. Goal: ≤ 100 ms.
func BenchmarkRanking2000x5(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			db := storetest.New(b, e)
			ctx := context.Background()
			f := newReviewFixture(b, db, 2000)
			now := db.Clock()
			reviewers := make([]int64, 25)
			require.NoError(b, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				for i := range reviewers {
					u := &domain.User{Email: fmt.Sprintf("r%d@bench.fr", i), Kind: domain.KindStaff, CreatedAt: now, UpdatedAt: now, Version: 1}
					if err := db.InsertUser(ctx, tx, u); err != nil {
						return err
					}
					reviewers[i] = u.ID
				}
				batch := make([]store.Review, 0, 1000)
				flush := func() error {
					if len(batch) == 0 {
						return nil
					}
					_, err := tx.NewInsert().Model(&batch).Exec(ctx)
					batch = batch[:0]
					return err
				}
				dirs := []string{"DIESS", "DA", "DPAS", "DTCM", "DIESS"}
				for i, ap := range f.apps {
					for k := 0; k < 5; k++ {
						w := float64((i*7+k*13)%50) / 10
						batch = append(batch, store.Review{ApplicationID: ap.ID, CallID: f.call.ID, ReviewerID: reviewers[(i+k*5)%25],
							Direction: dirs[k], State: store.ReviewSubmitted, Scores: []domain.Score{{Criterion: "a", Value: 3, Comment: "Un commentaire assez long pour peser."}},
							Opinion: "favourable", Weighted: &w, SubmittedAt: &now, CreatedAt: now, UpdatedAt: now, Version: 1})
						if len(batch) == cap(batch) {
							if err := flush(); err != nil {
								return err
							}
						}
					}
				}
				return flush()
			}))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				in, err := db.RankingInputs(ctx, f.call.ID)
				require.NoError(b, err)
				rows := domain.Rank(in, domain.RankOptions{Normalize: true, ScaleMin: 0, ScaleMax: 5, DispersionThreshold: 1})
				ids := make([]int64, len(rows))
				for j, r := range rows {
					ids[j] = r.ApplicationID
				}
				briefs, err := db.ApplicationBriefs(ctx, db.DB, f.call.ID, nil, ids)
				require.NoError(b, err)
				if len(in) != 10_000 || len(rows) != 2000 || len(briefs) != 2000 {
					b.Fatalf("got %d reviews, %d rows, %d briefs", len(in), len(rows), len(briefs))
				}
			}
		})
	}
}
