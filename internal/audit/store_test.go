package audit

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func TestAuditSearchFiltersAndPagesNewestFirst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)
		now := start
		db.Now = func() time.Time { return now }
		alice, bob := int64(1), int64(2)
		rows := []struct {
			actor  *int64
			label  string
			object string
			action string
		}{
			{&alice, "alice@cd93.fr", "1", "login"}, {&bob, "bob@asso.fr", "2", "login"}, {&alice, "alice@cd93.fr", "2", "role_granted"},
			{nil, "anonyme", "", "login_failed"}, {&alice, "alice@cd93.fr", "1", "login"}, {&bob, "bob@asso.fr", "2", "logout"},
		}
		for _, r := range rows {
			require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
				return db.Audit(ctx, tx, store.AuditContext{ActorID: r.actor, Actor: r.label}, "user", r.object, r.action, nil)
			}))
			now = now.Add(time.Hour)
		}

		page, err := search(ctx, db.DB, Filter{ActorID: &alice, Limit: 2})
		require.NoError(t, err)
		require.Len(t, page.Items, 2)
		require.Equal(t, []string{"login", "role_granted"}, []string{page.Items[0].Action, page.Items[1].Action}, "newest first")
		require.NotNil(t, page.NextCursor)
		page, err = search(ctx, db.DB, Filter{ActorID: &alice, Limit: 2, Cursor: *page.NextCursor})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		require.Nil(t, page.NextCursor)

		page, err = search(ctx, db.DB, Filter{Actor: "BOB@", Action: "login"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		from, to := start.Add(90*time.Minute), start.Add(4*time.Hour)
		page, err = search(ctx, db.DB, Filter{From: &from, To: &to})
		require.NoError(t, err)
		require.Len(t, page.Items, 2, "rows at 2h and 3h")
		page, err = search(ctx, db.DB, Filter{ObjectType: "user", ObjectID: "2"})
		require.NoError(t, err)
		require.Len(t, page.Items, 3)
		_, err = search(ctx, db.DB, Filter{Cursor: "%%%"})
		require.Equal(t, domain.CodeInvalid, domain.ErrorCode(err))

		trail, err := ofObject(ctx, db.DB, "user", "1")
		require.NoError(t, err)
		require.Len(t, trail, 2)
		require.True(t, trail[0].ID < trail[1].ID, "oldest first")
		mine, err := OfUser(ctx, db.DB, bob, "2")
		require.NoError(t, err)
		require.Len(t, mine, 3, "bob's own rows plus the grant made on his account")
	})
}

func TestDirectoriesPageByID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := db.Clock()
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			for i := range 5 {
				u := &domain.User{Email: fmt.Sprintf("agent%d@cd93.fr", i), Name: fmt.Sprintf("Agent_%d", i), Kind: domain.KindStaff,
					CreatedAt: now, UpdatedAt: now, Version: 1}
				if err := db.InsertUser(ctx, tx, u); err != nil {
					return err
				}
				rna := fmt.Sprintf("W93000000%d", i)
				if err := db.InsertOrganisation(ctx, tx, &domain.Organisation{LegalName: fmt.Sprintf("Asso %d", i), RNA: &rna,
					LegalForm: "association", CreatedAt: now, UpdatedAt: now, Version: 1}); err != nil {
					return err
				}
			}
			return nil
		}))
		var seen []string
		cursor := ""
		for {
			page, err := db.ListUsers(ctx, store.UserFilter{Q: "agent", Limit: 2, Cursor: cursor})
			require.NoError(t, err)
			for _, u := range page.Items {
				seen = append(seen, u.Email)
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		require.Len(t, seen, 5)
		// LIKE wildcards typed by a user are literal.
		page, err := db.ListUsers(ctx, store.UserFilter{Q: "agent%"})
		require.NoError(t, err)
		require.Empty(t, page.Items)
		page, err = db.ListUsers(ctx, store.UserFilter{Q: "AGENT_1"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)

		orgs, err := db.ListOrganisations(ctx, store.OrgFilter{Q: "w930000003"})
		require.NoError(t, err)
		require.Len(t, orgs.Items, 1)
		orgs, err = db.ListOrganisations(ctx, store.OrgFilter{IDs: []int64{}})
		require.NoError(t, err)
		require.Empty(t, orgs.Items, "an empty visibility list shows nothing, not everything")
	})
}
