package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// The sent-log's key makes a second plan a no-op, and its states make a
// second send impossible: only pending or failed rows can be claimed.
func TestMailLogClaimsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := db.Clock()
		row := func() *store.MailLog {
			return &store.MailLog{Kind: "report_due", Subject: "report:1", Recipient: "a@b.fr", Occurrence: "J-7", Template: "t",
				CreatedAt: now, UpdatedAt: now}
		}
		m := row()
		ok, err := db.InsertMailLog(ctx, db.DB, m)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.InsertMailLog(ctx, db.DB, row())
		require.NoError(t, err)
		require.False(t, ok, "same (kind, subject, recipient, occurrence)")
		got, err := db.MailLogByKey(ctx, db.DB, "report_due", "report:1", "a@b.fr", "J-7")
		require.NoError(t, err)

		claimed, err := db.ClaimMailLog(ctx, db.DB, got.ID, now)
		require.NoError(t, err)
		require.True(t, claimed)
		claimed, err = db.ClaimMailLog(ctx, db.DB, got.ID, now)
		require.NoError(t, err)
		require.False(t, claimed, "a row being sent cannot be claimed again")
		require.NoError(t, db.FinishMailLog(ctx, db.DB, got.ID, store.MailFailed, "smtp down", now))
		claimed, err = db.ClaimMailLog(ctx, db.DB, got.ID, now)
		require.NoError(t, err)
		require.True(t, claimed, "a failed send is retried")
		// The process dies here, after the SMTP server accepted the message.
		n, err := db.MarkUncertain(ctx, db.DB, now.Add(time.Minute), now.Add(time.Hour))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		claimed, err = db.ClaimMailLog(ctx, db.DB, got.ID, now)
		require.NoError(t, err)
		require.False(t, claimed, "an uncertain e-mail is never resent automatically")
		open, err := db.OpenMailLogs(ctx, db.DB, now.Add(-time.Hour), 10)
		require.NoError(t, err)
		require.Empty(t, open)
		reset, err := db.ResetMailLog(ctx, db.DB, got.ID, now)
		require.NoError(t, err)
		require.True(t, reset, "an admin may resend it")
	})
}

func TestLeaseHasOneHolderAtATime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := db.Clock()
		ok, err := db.TryLease(ctx, "reminders", "a", now, now.Add(time.Minute))
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = db.TryLease(ctx, "reminders", "b", now.Add(time.Second), now.Add(time.Minute))
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = db.TryLease(ctx, "reminders", "a", now.Add(time.Second), now.Add(2*time.Minute))
		require.NoError(t, err)
		require.True(t, ok, "the holder renews")
		ok, err = db.TryLease(ctx, "reminders", "b", now.Add(3*time.Minute), now.Add(4*time.Minute))
		require.NoError(t, err)
		require.True(t, ok, "an expired lease is taken over")
	})
}
