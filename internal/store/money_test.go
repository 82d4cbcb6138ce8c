package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// An SQL SUM that overflows (SQLite raises "integer overflow"; PostgreSQL
// sums bigints as numeric, which no longer fits the int64 it is scanned
// into; its bigint arithmetic raises 22003) is a 422 the user can act on,
// not a 500. Amounts are bounded on input, so only rows stored before the
// bound could get there.
func TestOverflowingSumIsABlockedError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var total int64
		err := db.NewRaw("SELECT SUM(x) FROM (SELECT CAST(9223372036854775807 AS BIGINT) AS x UNION ALL SELECT CAST(1 AS BIGINT)) AS t").
			Scan(ctx, &total)
		de := domain.AsError(store.MapError(err))
		require.Equal(t, domain.CodeBlocked, de.Code, "%v", err)
		require.Equal(t, "amount_overflow", de.Reason)

		if db.Engine == store.Postgres { // SQLite turns an overflowing "+" into a REAL instead
			err = db.NewRaw("SELECT CAST(9223372036854775807 AS BIGINT) + CAST(1 AS BIGINT)").Scan(ctx, &total)
			require.Equal(t, "amount_overflow", domain.AsError(store.MapError(err)).Reason, "%v", err)
		}
	})
}

// Regrant keeps the grant at or above what is engaged, in its WHERE; the
// experiments table's CHECK is the last line of defence behind it. Open
// tranches can be replanned or dropped; engaged ones cannot.
func TestRegrantNeverGoesBelowWhatIsEngaged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db, 1)
		now := db.Clock()
		tx := db.DB
		e := &store.Experiment{ApplicationID: f.apps[0].ID, CallID: f.call.ID, OrgID: f.org.ID, Title: "Projet", State: "running",
			StartsOn: now, EndsOn: now.AddDate(1, 0, 0), GrantedCents: domain.Euros(18_000), Schedule: "50/50",
			DecidedAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
		require.NoError(t, db.InsertExperiment(ctx, tx, e))
		require.NoError(t, db.InsertTranches(ctx, tx, []store.Tranche{
			{ExperimentID: e.ID, Position: 1, ShareBP: 5000, PlannedCents: domain.Euros(9_000), Condition: "signature", State: "payable", Version: 1},
			{ExperimentID: e.ID, Position: 2, ShareBP: 5000, PlannedCents: domain.Euros(9_000), Condition: "final_reports", State: "planned", Version: 1},
		}))
		ok, err := db.CommitAmount(ctx, tx, e.ID, domain.Euros(9_000), now)
		require.NoError(t, err)
		require.True(t, ok)
		ts, err := db.Tranches(ctx, tx, e.ID)
		require.NoError(t, err)
		moved, err := db.MoveTranche(ctx, tx, ts[0].ID, "payable", "requested", map[string]any{"amount_cents": domain.Euros(9_000)})
		require.NoError(t, err)
		require.True(t, moved)

		ok, err = db.Regrant(ctx, tx, e.ID, domain.Euros(8_999), now)
		require.NoError(t, err)
		require.False(t, ok, "below what is engaged")
		ok, err = db.Regrant(ctx, tx, e.ID, domain.Euros(12_000), now)
		require.NoError(t, err)
		require.True(t, ok)
		got, err := db.GetExperiment(ctx, tx, e.ID)
		require.NoError(t, err)
		require.Equal(t, domain.Euros(12_000), got.GrantedCents)
		require.Equal(t, int64(2), got.Version, "a form opened on the old grant is stale")

		ok, err = db.PlanTranche(ctx, tx, ts[0].ID, 1)
		require.NoError(t, err)
		require.False(t, ok, "a requested tranche keeps its amount")
		ok, err = db.DropTranche(ctx, tx, ts[0].ID)
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = db.PlanTranche(ctx, tx, ts[1].ID, domain.Euros(3_000))
		require.NoError(t, err)
		require.True(t, ok)

		// Behind the WHERE, the table's CHECK refuses a grant below the engaged amount.
		_, err = tx.NewUpdate().TableExpr("experiments").Set("granted_cents = ?", domain.Euros(10)).Where("id = ?", e.ID).Exec(ctx)
		require.Error(t, err)
	})
}
