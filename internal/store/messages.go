package store

import (
	"context"
	"time"

	"github.com/tremplin/tremplin/internal/authz"
	"github.com/uptrace/bun"
)

// Message is one message of an application's thread, between the
// organisation's members and the staff.
type Message struct {
	bun.BaseModel `bun:"table:messages,alias:m"`
	ID            int64     `bun:"id,pk,autoincrement"`
	ApplicationID int64     `bun:"application_id"`
	AuthorID      *int64    `bun:"author_id"`
	AuthorName    string    `bun:"author_name"`
	FromStaff     bool      `bun:"from_staff"`
	Body          string    `bun:"body"`
	CreatedAt     time.Time `bun:"created_at"`
}

// InsertMessage stores a message and sets its ID.
func (db *DB) InsertMessage(ctx context.Context, tx bun.IDB, m *Message) error {
	_, err := tx.NewInsert().Model(m).Returning("id").Exec(ctx)
	return MapError(err)
}

// Messages lists an application's thread, oldest first.
func (db *DB) Messages(ctx context.Context, tx bun.IDB, applicationID int64) ([]Message, error) {
	var out []Message
	err := tx.NewSelect().Model(&out).Where("m.application_id = ?", applicationID).OrderExpr("m.id ASC").Scan(ctx)
	return out, MapError(err)
}

// Notifications (the type is declared with the reminders, which write them too).

// InsertNotifications stores notifications (one per recipient).
func (db *DB) InsertNotifications(ctx context.Context, tx bun.IDB, ns []Notification) error {
	if len(ns) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&ns).Column("user_id", "kind", "title", "body", "link", "created_at").Exec(ctx)
	return MapError(err)
}

// NotificationFilter pages a user's notifications, newest first.
type NotificationFilter struct {
	UserID     int64
	UnreadOnly bool
	Limit      int
	Cursor     string
}

// Notifications lists a user's notifications, newest first, keyset-paginated.
func (db *DB) Notifications(ctx context.Context, f NotificationFilter) (Page[Notification], error) {
	limit := PageLimit(f.Limit)
	var rows []Notification
	q := db.NewSelect().Model(&rows).Where("n.user_id = ?", f.UserID)
	if f.UnreadOnly {
		q = q.Where("n.read_at IS NULL")
	}
	if f.Cursor != "" {
		id, err := DecodeIDCursor(f.Cursor)
		if err != nil {
			return Page[Notification]{}, err
		}
		q = q.Where("n.id < ?", id)
	}
	if err := q.OrderExpr("n.id DESC").Limit(int64(limit + 1)).Scan(ctx); err != nil {
		return Page[Notification]{}, MapError(err)
	}
	page := Page[Notification]{Items: make([]Notification, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			cur := EncodeIDCursor(rows[i-1].ID)
			page.NextCursor = &cur
			break
		}
		page.Items = append(page.Items, r)
	}
	return page, nil
}

// UnreadNotifications counts a user's unread notifications.
func (db *DB) UnreadNotifications(ctx context.Context, tx bun.IDB, userID int64) (int, error) {
	n, err := tx.NewSelect().Model((*Notification)(nil)).Where("n.user_id = ? AND n.read_at IS NULL", userID).Count(ctx)
	return int(n), MapError(err)
}

// MarkNotificationsRead marks a user's notifications read: the given ids, or
// all of them when ids is empty. Other users' ids are ignored.
func (db *DB) MarkNotificationsRead(ctx context.Context, tx bun.IDB, userID int64, ids []int64, at time.Time) (int, error) {
	q := tx.NewUpdate().Model((*Notification)(nil)).Set("read_at = ?", at).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN (?)", bun.In(ids))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, MapError(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Recipient is a user to notify: in the app by id, by e-mail at address.
type Recipient struct {
	ID    int64  `bun:"id"`
	Email string `bun:"email"`
}

// OrgRecipients lists an organisation's active members.
func (db *DB) OrgRecipients(ctx context.Context, tx bun.IDB, orgID int64) ([]Recipient, error) {
	var out []Recipient
	err := tx.NewSelect().TableExpr("users AS u").ColumnExpr("DISTINCT u.id, u.email").
		Join("JOIN grants AS g ON g.user_id = u.id").
		Where("g.role IN ('org_admin', 'org_member')").
		Where("g.domain = ?", authz.OrgDomain(orgID)).
		Where("u.disabled_at IS NULL AND u.deleted_at IS NULL").
		OrderExpr("u.email").Scan(ctx, &out)
	return out, MapError(err)
}

// RoleRecipients lists the active users holding role in one of domains (or everywhere, "*").
func (db *DB) RoleRecipients(ctx context.Context, tx bun.IDB, role string, domains ...string) ([]Recipient, error) {
	var out []Recipient
	err := tx.NewSelect().TableExpr("users AS u").ColumnExpr("DISTINCT u.id, u.email").
		Join("JOIN grants AS g ON g.user_id = u.id").
		Where("g.role = ?", role).
		Where("g.domain IN (?)", bun.In(append([]string{"*"}, domains...))).
		Where("u.disabled_at IS NULL AND u.deleted_at IS NULL").
		OrderExpr("u.email").Scan(ctx, &out)
	return out, MapError(err)
}
