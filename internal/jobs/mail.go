package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/tremplin/tremplin/internal/notify"
)

// TypeSendMail sends one e-mail. Its payload is a notify.Message; its task ID
// is the message ID, so the same message cannot be queued twice.
const TypeSendMail = notify.TaskSendMail

// HandleSendMail delivers the message; an SMTP failure is returned so asynq
// retries with backoff, a malformed payload is skipped.
func HandleSendMail(m notify.Mailer) func(context.Context, *asynq.Task) error {
	return func(ctx context.Context, t *asynq.Task) error {
		var msg notify.Message
		if err := json.Unmarshal(t.Payload(), &msg); err != nil {
			return fmt.Errorf("mail payload: %v: %w", err, asynq.SkipRetry)
		}
		return m.Send(ctx, msg)
	}
}
