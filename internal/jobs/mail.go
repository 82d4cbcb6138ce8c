package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
)

// TypeSendMail sends one e-mail. Its payload is a notify.Message; its task ID
// is the message ID, so the same message cannot be queued twice.
const TypeSendMail = notify.TaskSendMail

// HandleSendMailOnce delivers one message (an SMTP failure is returned so
// asynq retries with backoff, a malformed payload is skipped) under the
// sent-log: the message is
// claimed under its ID before it is sent and confirmed after, so a task that
// runs again (a retry after a crash, a relay or sweep that re-enqueued it
// after Redis lost its data) never sends it twice. See app/reminders.go for
// the at-most-once trade-off of a crash between send and confirmation.
func HandleSendMailOnce(db *store.DB, m notify.Mailer) func(context.Context, *asynq.Task) error {
	return func(ctx context.Context, t *asynq.Task) error {
		var msg notify.Message
		if err := json.Unmarshal(t.Payload(), &msg); err != nil {
			return fmt.Errorf("mail payload: %v: %w", err, asynq.SkipRetry)
		}
		key := "mail:" + msg.ID
		if msg.ID == "" {
			key, _ = asynq.GetTaskID(ctx)
		}
		rcpt := strings.Join(msg.To, ",")
		claimed, err := db.ClaimOutboxMail(ctx, key, rcpt, db.Clock())
		if err != nil || !claimed {
			return err
		}
		if err := m.Send(ctx, msg); err != nil {
			_ = db.FinishOutboxMail(context.WithoutCancel(ctx), key, rcpt, store.MailFailed, err.Error(), db.Clock())
			return err
		}
		return db.FinishOutboxMail(context.WithoutCancel(ctx), key, rcpt, store.MailDone(notify.Delivers(m)), "", db.Clock())
	}
}
