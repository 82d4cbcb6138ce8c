package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestSeedLoadCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TREMPLIN_DATA_DIR", dir)
	if url := storetest.ProcessURL(t); url != "" {
		// The command writes where DATABASE_URL points: give it a database of its own.
		t.Setenv("DATABASE_URL", url)
		// The command needs only the database; the other backends may be absent here.
		t.Setenv("TREMPLIN_EMBEDDED", "redis,s3,mail")
	}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"seed-load", "--calls", "2", "--orgs", "10", "--batch", "70", "250"}, nil, &out, &errOut), errOut.String())
	require.Contains(t, out.String(), "seed-load: 250 applications over 2 calls and 10 organisations")

	// Bad input says what is wrong, and writes nothing more.
	out.Reset()
	errOut.Reset()
	require.Equal(t, 1, run([]string{"seed-load", "beaucoup"}, nil, &out, &errOut))
	require.Contains(t, errOut.String(), "N must be a positive number")
}

func TestSeedLoadIndexesWhatItGenerates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := SeedLoad(ctx, db, LoadOptions{Applications: 400, Calls: 3, Orgs: 20, Batch: 150, Seed: 1})
		require.NoError(t, err)
		require.Equal(t, 400, res.Applications)
		require.Len(t, res.CallIDs, 3)
		require.Len(t, res.OrgIDs, 20)
		// A second run adds to the first: new references, new SIRETs.
		_, err = SeedLoad(ctx, db, LoadOptions{Applications: 10, Calls: 1, Orgs: 2, Batch: 10, Seed: 1})
		require.NoError(t, err)

		// Every application is searchable and filterable at once (the triggers indexed them).
		page, err := db.ListInstruction(ctx, store.InstructionFilter{Q: "vélos", Limit: 100})
		require.NoError(t, err)
		require.NotEmpty(t, page.Items)
		for _, it := range page.Items {
			require.NotEqual(t, "draft", it.State)
			require.NotEmpty(t, it.Communes())
			require.NotEmpty(t, it.Publics())
		}
		n, err := db.NewSelect().TableExpr("applications").Where("reference LIKE 'CHG-%'").Count(ctx)
		require.NoError(t, err)
		require.EqualValues(t, 410, n)
		require.True(t, strings.HasPrefix(page.Items[0].Reference, "CHG-"))
	})
}
