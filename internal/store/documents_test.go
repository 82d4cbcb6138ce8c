package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestDocumentVersionsAndDeletion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newInstrFixture(t, db)
		ap := f.app(f.org("Asso", ""), "draft", "Projet", map[string]any{}, 0, 0)
		add := func(slot string) *store.Document {
			t.Helper()
			d := &store.Document{ApplicationID: ap.ID, Slot: slot, Filename: slot + ".pdf", ContentType: "application/pdf", SizeBytes: 1,
				SHA256: "x", ObjectKey: fmt.Sprintf("applications/%d/%s-%d", ap.ID, slot, instrSeq.Add(1)), CreatedAt: db.Clock()}
			require.NoError(t, db.InsertDocument(ctx, db.DB, d))
			if !strings.HasPrefix(slot, "field:") {
				_, err := db.SupersedeSlot(ctx, db.DB, ap.ID, slot, d.ID)
				require.NoError(t, err)
			}
			return d
		}
		v1, v2, v3 := add("statuts"), add("statuts"), add("statuts")
		rib := add("rib")
		q1, q2 := add("field:devis"), add("field:devis")

		docs, err := db.ApplicationDocuments(ctx, db.DB, ap.ID)
		require.NoError(t, err)
		replaced := map[int64]*int64{}
		for _, d := range docs {
			replaced[d.ID] = d.ReplacedBy
		}
		require.Equal(t, v2.ID, *replaced[v1.ID])
		require.Equal(t, v3.ID, *replaced[v2.ID])
		require.Nil(t, replaced[v3.ID])
		require.Nil(t, replaced[rib.ID], "another slot is untouched")
		require.Nil(t, replaced[q1.ID], "documents of a file field are not versions of each other")

		// Deleting the current version takes its history; a file field's document goes alone.
		keys, err := db.DeleteSlotChain(ctx, db.DB, v3)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{v1.ObjectKey, v2.ObjectKey, v3.ObjectKey}, keys)
		keys, err = db.DeleteSlotChain(ctx, db.DB, q2)
		require.NoError(t, err)
		require.Equal(t, []string{q2.ObjectKey}, keys)
		docs, err = db.ApplicationDocuments(ctx, db.DB, ap.ID)
		require.NoError(t, err)
		var left []int64
		for _, d := range docs {
			left = append(left, d.ID)
		}
		require.Equal(t, []int64{rib.ID, q1.ID}, left)

		known, err := db.KnownObjectKeys(ctx, []string{rib.ObjectKey, v1.ObjectKey, "applications/0/none"})
		require.NoError(t, err)
		require.Equal(t, map[string]bool{rib.ObjectKey: true}, known)
	})
}
