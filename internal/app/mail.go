package app

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
)

// sendMail renders a French template and plans its delivery in tx, through
// the outbox: the e-mail leaves only if the use case commits, and key (a
// stable description such as "verify:42:7") makes a second plan of the same
// e-mail a no-op. BaseURL and OrgName are added to data.
func (a *App) sendMail(ctx context.Context, tx bun.IDB, key string, to []string, template string, data map[string]any) error {
	b := a.DB.NewBatch(tx)
	if err := a.planMail(b, tx, key, to, template, data); err != nil {
		return err
	}
	return b.Exec(ctx)
}

// planMail is sendMail adding its outbox row to a batch sent later in the transaction.
func (a *App) planMail(b *store.Batch, tx bun.IDB, key string, to []string, template string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["BaseURL"] = a.Config.BaseURL
	data["OrgName"] = a.Config.OrgName
	r, err := notify.Render(template, data)
	if err != nil {
		return err
	}
	msg := notify.Message{To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML, ID: key}
	q, err := a.DB.EnqueueQuery(tx, notify.TaskSendMail, "mail:"+key, msg, nil)
	if err != nil {
		return err
	}
	b.Add(q)
	return nil
}
