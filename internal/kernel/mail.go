package kernel

import (
	"context"
	"maps"
	"strings"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
)

// SendMail renders a French template and plans its delivery in tx, through
// the outbox: the e-mail leaves only if the use case commits, and key (a
// stable description such as "verify:42:7") makes a second plan of the same
// e-mail a no-op. BaseURL and OrgName are added to data.
func (k *Kernel) SendMail(ctx context.Context, tx bun.IDB, key string, to []string, template string, data map[string]any) error {
	b := k.DB.NewBatch(tx)
	if err := k.PlanMail(b, tx, key, to, template, data); err != nil {
		return err
	}
	return b.Exec(ctx)
}

// PlanMail is SendMail adding its outbox row to a batch sent later in the transaction.
func (k *Kernel) PlanMail(b *store.Batch, tx bun.IDB, key string, to []string, template string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["BaseURL"] = k.Config.BaseURL
	data["OrgName"] = k.Config.OrgName
	r, err := notify.Render(template, data)
	if err != nil {
		return err
	}
	msg := notify.Message{To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML, ID: key}
	q, err := k.DB.EnqueueQuery(tx, notify.TaskSendMail, "mail:"+key, msg, nil)
	if err != nil {
		return err
	}
	b.Add(q)
	return nil
}

// NotifyInApp adds what is mailed to the recipients' in-app notifications
// (their list and unread counter), in the same batch.
func (k *Kernel) NotifyInApp(b *store.Batch, tx bun.IDB, to []store.Recipient, kind, template string, data map[string]any) error {
	if len(to) == 0 {
		return nil
	}
	d := maps.Clone(data)
	if d == nil {
		d = map[string]any{}
	}
	d["BaseURL"], d["OrgName"] = k.Config.BaseURL, k.Config.OrgName
	r, err := notify.Render(template, d)
	if err != nil {
		return err
	}
	link, _ := data["Link"].(string)
	link = strings.TrimPrefix(link, k.Config.BaseURL)
	comment, _ := data["Comment"].(string)
	now := k.Now()
	ns := make([]store.Notification, 0, len(to))
	for _, p := range to {
		ns = append(ns, store.Notification{UserID: p.ID, Kind: kind, Title: r.Subject, Body: Excerpt(comment, 500), Link: link, CreatedAt: now})
	}
	b.Add(tx.NewInsert().Model(&ns).Column("user_id", "kind", "title", "body", "link", "created_at"))
	return nil
}
