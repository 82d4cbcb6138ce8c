package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/embedded"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// sweeperBundle is an app over a fresh database and bucket, with a clock
// the test moves.
type sweeperBundle struct {
	app   *app.App
	blobs *blob.Store
	now   time.Time
}

func newSweeperBundle(t *testing.T) *sweeperBundle {
	t.Helper()
	ctx := context.Background()
	s3, err := embedded.StartS3(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s3.Close() })
	bs, err := blob.Open(ctx, blob.Options{Endpoint: s3.Endpoint(), AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Bucket: "sweeper"})
	require.NoError(t, err)
	db := storetest.New(t, store.SQLite)
	b := &sweeperBundle{blobs: bs, now: time.Now().UTC()}
	db.Now = func() time.Time { return b.now }
	b.app = &app.App{Kernel: &kernel.Kernel{Config: &config.Config{}, DB: db}, Blobs: bs}
	return b
}

func (b *sweeperBundle) put(t *testing.T, key string) {
	t.Helper()
	_, err := b.blobs.Put(context.Background(), key, strings.NewReader("%PDF-1.4 test"), -1, "application/pdf")
	require.NoError(t, err)
}

func (b *sweeperBundle) keys(t *testing.T) []string {
	t.Helper()
	var out []string
	require.NoError(t, b.blobs.List(context.Background(), "", func(i blob.Info) error {
		out = append(out, i.Key)
		return nil
	}))
	return out
}

func TestSweeperRemovesOnlyOldOrphans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newSweeperBundle(t)
	db := b.app.DB

	// A document with its row, an orphan (its transaction failed), and an
	// object outside the documents' prefix.
	now := db.Clock()
	siret := "73282932000074"
	org := &domain.Organisation{LegalName: "Asso", SIRET: &siret, LegalForm: "association", CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertOrganisation(ctx, db.DB, org))
	call := &domain.Call{Title: "Appel", State: "published", WorkflowVersion: 1, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertCall(ctx, db.DB, call))
	ap := &domain.Application{Reference: "AAP-T-1", CallID: call.ID, OrgID: org.ID, State: "draft", WorkflowVersion: 1,
		Answers: map[string]any{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	require.NoError(t, db.InsertApplication(ctx, db.DB, ap))
	kept := "applications/1/with-row"
	orphan := "applications/1/orphan"
	other := "exports/not-a-document"
	for _, k := range []string{kept, orphan, other} {
		b.put(t, k)
	}
	require.NoError(t, db.InsertDocument(ctx, db.DB, &store.Document{ApplicationID: ap.ID, Slot: "statuts", Filename: "s.pdf",
		ContentType: "application/pdf", SizeBytes: 13, SHA256: "x", ObjectKey: kept, CreatedAt: now}))

	// Within the grace period nothing goes: the orphan may be an upload whose row is not committed yet.
	b.now = time.Now().UTC().Add(time.Hour)
	res, err := b.app.SweepOrphanObjects(ctx, app.DocumentGrace)
	require.NoError(t, err)
	require.Equal(t, app.SweepResult{Scanned: 2, Deleted: 0}, res)
	require.ElementsMatch(t, []string{kept, orphan, other}, b.keys(t))

	// A day later the orphan is removed; the document and the foreign object stay.
	b.now = time.Now().UTC().Add(app.DocumentGrace + time.Hour)
	res, err = b.app.SweepOrphanObjects(ctx, app.DocumentGrace)
	require.NoError(t, err)
	require.Equal(t, app.SweepResult{Scanned: 2, Deleted: 1}, res)
	require.ElementsMatch(t, []string{kept, other}, b.keys(t))

	// Deleting the application's rows (a draft deleted) orphans its object: the next sweep takes it.
	_, err = db.NewDelete().TableExpr("applications").Where("id = ?", ap.ID).Exec(ctx)
	require.NoError(t, err)
	res, err = b.app.SweepOrphanObjects(ctx, app.DocumentGrace)
	require.NoError(t, err)
	require.Equal(t, 1, res.Deleted)
	require.ElementsMatch(t, []string{other}, b.keys(t))
}

func TestSweeperReadsTheBucketInBatches(t *testing.T) {
	t.Parallel()
	b := newSweeperBundle(t)
	for i := 0; i < 1203; i++ {
		b.put(t, fmt.Sprintf("applications/7/%04d", i))
	}
	b.now = time.Now().UTC().Add(app.DocumentGrace + time.Hour)
	res, err := b.app.SweepOrphanObjects(context.Background(), app.DocumentGrace)
	require.NoError(t, err)
	require.Equal(t, app.SweepResult{Scanned: 1203, Deleted: 1203}, res)
	require.Empty(t, b.keys(t))
}
