package store_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
	"github.com/tremplin/tremplin/migrations"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	t.Parallel()
	names := func(fsys fs.FS, dir string) []string {
		entries, err := fs.ReadDir(fsys, dir)
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, names(migrations.Postgres, "postgres"), names(migrations.SQLite, "sqlite"))
}

func TestMigrateSeedsReferenceData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		communes, err := db.Communes(ctx)
		require.NoError(t, err)
		require.Len(t, communes, 40)
		perEPT := map[string]int{}
		for _, c := range communes {
			perEPT[c.EPTName]++
		}
		require.Equal(t, map[string]int{"Plaine Commune": 9, "Est Ensemble": 9, "Paris Terres d'Envol": 8, "Grand Paris Grand Est": 14}, perEPT)
		dirs, err := db.Directions(ctx)
		require.NoError(t, err)
		var codes []string
		for _, d := range dirs {
			codes = append(codes, d.Code)
		}
		require.ElementsMatch(t, []string{"DIESS", "DA", "DPAS", "DTCM"}, codes)
		// Migrating again is a no-op.
		applied, err := db.Migrate(ctx)
		require.NoError(t, err)
		require.Empty(t, applied)
		st, err := db.MigrationsStatus(ctx)
		require.NoError(t, err)
		for _, s := range st {
			require.True(t, s.Applied, s.Name)
		}
	})
}

func TestOutboxDispatchStopsAtFirstFailureAndRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			for _, id := range []string{"t:1", "t:2", "t:3", "t:1"} { // t:1 twice: planned once
				if err := db.Enqueue(ctx, tx, "test", id, map[string]string{"id": id}, nil); err != nil {
					return err
				}
			}
			return nil
		}))
		// A rolled-back transaction leaves nothing behind.
		err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			require.NoError(t, db.Enqueue(ctx, tx, "test", "t:4", nil, nil))
			return errors.New("boom")
		})
		require.Error(t, err)

		var got []string
		down := errors.New("redis down")
		n, err := db.DispatchOutbox(ctx, 10, func(_ context.Context, m *store.OutboxMessage) error {
			if m.TaskID == "t:2" {
				return down
			}
			got = append(got, m.TaskID)
			return nil
		})
		require.ErrorIs(t, err, down)
		require.Equal(t, 1, n)
		pending, _, err := db.OutboxLag(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, pending)

		n, err = db.DispatchOutbox(ctx, 10, func(_ context.Context, m *store.OutboxMessage) error {
			got = append(got, m.TaskID)
			return nil
		})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, []string{"t:1", "t:2", "t:3"}, got)
		pending, _, err = db.OutboxLag(ctx)
		require.NoError(t, err)
		require.Zero(t, pending)
	})
}

func TestAuditChainDetectsEditsAndDeletions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		uid := int64(7)
		for i := 0; i < 5; i++ {
			require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				return db.Audit(ctx, tx, store.AuditContext{ActorID: &uid, Actor: "a@b.fr", IP: "127.0.0.1", RequestID: "r"},
					"application", "12", "submit", map[string]any{"to": "submitted", "n": i})
			}))
		}
		n, err := db.SealAudit(ctx, 3)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		brk, checked, unsealed, err := db.VerifyAudit(ctx)
		require.NoError(t, err)
		require.Nil(t, brk)
		require.EqualValues(t, 3, checked)
		require.Equal(t, 2, unsealed)
		_, err = db.SealAudit(ctx, 100)
		require.NoError(t, err)
		brk, checked, _, err = db.VerifyAudit(ctx)
		require.NoError(t, err)
		require.Nil(t, brk)
		require.EqualValues(t, 5, checked)

		// Someone edits row seq 3's summary directly in the database.
		_, err = db.ExecContext(ctx, "UPDATE audit_log SET action = 'withdraw' WHERE seq = 3")
		require.NoError(t, err)
		brk, _, _, err = db.VerifyAudit(ctx)
		require.NoError(t, err)
		require.NotNil(t, brk)
		require.EqualValues(t, 3, brk.Seq)
		require.Contains(t, brk.Reason, "edited")

		_, err = db.ExecContext(ctx, "UPDATE audit_log SET action = 'submit' WHERE seq = 3")
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 2")
		require.NoError(t, err)
		brk, _, _, err = db.VerifyAudit(ctx)
		require.NoError(t, err)
		require.NotNil(t, brk)
		require.EqualValues(t, 2, brk.Seq)
		require.Contains(t, brk.Reason, "missing")
	})
}

func TestUniqueViolationIsConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		insert := func() error {
			_, err := db.ExecContext(ctx, "INSERT INTO users (email, created_at, updated_at) VALUES (?, ?, ?)", "x@y.fr", now, now)
			return store.MapError(err)
		}
		require.NoError(t, insert())
		err := insert()
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err))
	})
}
