package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The command reads its database from the environment, so this test sets
// variables and cannot run in parallel with others.
func TestAuditVerifyDetectsEditedAndDeletedRows(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TREMPLIN_DATA_DIR", dir)
	var db *store.DB
	if url := storetest.ProcessURL(t); url != "" {
		t.Setenv("DATABASE_URL", url)
		// The command needs only the database; the other backends may be absent here.
		t.Setenv("TREMPLIN_EMBEDDED", "redis,s3,mail")
		var err error
		db, err = store.Open(context.Background(), store.Options{URL: url})
		require.NoError(t, err)
	} else {
		var err error
		db, err = store.Open(context.Background(), store.Options{SQLitePath: filepath.Join(dir, "tremplin.db")})
		require.NoError(t, err)
		_, err = db.Migrate(context.Background())
		require.NoError(t, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i, action := range []string{"login", "role_granted", "token_created", "logout"} {
			if err := db.Audit(ctx, tx, store.AuditContext{Actor: "admin@demo.tremplin.fr"}, "user", "1", action, map[string]int{"n": i}); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := db.SealAudit(ctx, 100)
	require.NoError(t, err)

	verify := func() (int, string, string) {
		var out, errOut bytes.Buffer
		code := run([]string{"audit", "verify"}, nil, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	code, verdict, _ := verify()
	require.Equal(t, 0, code)
	require.Contains(t, verdict, "OK: 4 sealed rows checked")

	// Someone "fixes" a row in the database: the chain names it.
	_, err = db.ExecContext(ctx, `UPDATE audit_log SET action = 'login_failed' WHERE seq = 2`)
	require.NoError(t, err)
	code, verdict, stderr := verify()
	require.Equal(t, 1, code)
	require.Contains(t, verdict, "BROKEN: 1 rows intact before seq 2")
	require.Contains(t, stderr, "audit trail broken at seq 2")
	require.Contains(t, stderr, "edited")

	// Putting it back and deleting a later row is caught too.
	_, err = db.ExecContext(ctx, `UPDATE audit_log SET action = 'role_granted' WHERE seq = 2`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 3`)
	require.NoError(t, err)
	code, verdict, _ = verify()
	require.Equal(t, 1, code)
	require.Contains(t, verdict, "before seq 3")
	require.Contains(t, verdict, "missing")
}
