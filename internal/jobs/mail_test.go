package jobs_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// An e-mail the embedded mailer writes to a file is recorded as written, not
// sent: the admin screen lists it as not delivered, and the sweep of lost
// e-mails does not queue it again and again.
func TestFileMailerIsNeverRecordedAsSent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		files, err := notify.NewFileMailer(dir, "Tremplin <ne-pas-repondre@tremplin.local>")
		require.NoError(t, err)
		smtp := &recordingMailer{}
		send := func(m notify.Mailer, id string) *store.MailLog {
			payload, err := json.Marshal(notify.Message{To: []string{"porteur@asso.fr"}, Subject: "Accusé", Text: "Bonjour", ID: id})
			require.NoError(t, err)
			require.NoError(t, jobs.HandleSendMailOnce(db, m)(ctx, asynq.NewTask(jobs.TypeSendMail, payload)))
			row, err := db.MailLogByKey(ctx, db.DB, store.MailKindOutbox, "mail:"+id, "porteur@asso.fr", "")
			require.NoError(t, err)
			require.NotNil(t, row)
			return row
		}

		written := send(files, "ack-file")
		require.Equal(t, store.MailWritten, written.State)
		require.Nil(t, written.SentAt, "nothing was sent")
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1, "the message is in the folder")

		sent := send(smtp, "ack-smtp")
		require.Equal(t, store.MailSent, sent.State)
		require.NotNil(t, sent.SentAt)

		// The task running again (a retry, a re-enqueue) writes no second copy.
		require.Equal(t, store.MailWritten, send(files, "ack-file").State)
		entries, err = os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1)

		// A written e-mail is not "lost": the sweep leaves it to the administrator.
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			for _, id := range []string{"ack-file", "ack-smtp"} {
				if err := db.Enqueue(ctx, tx, jobs.TypeSendMail, "mail:"+id, notify.Message{ID: id}, nil); err != nil {
					return err
				}
			}
			return nil
		}))
		_, err = db.ExecContext(ctx, "UPDATE outbox SET dispatched_at = ?", db.Clock().Add(-time.Hour))
		require.NoError(t, err)
		lost, err := db.LostOutboxMails(ctx, db.DB, db.Clock().Add(-2*time.Hour), db.Clock(), 10)
		require.NoError(t, err)
		require.Empty(t, lost)

		// Once SMTP is configured, an administrator's resend delivers it.
		ok, err := db.ResetMailLog(ctx, db.DB, written.ID, db.Clock())
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, store.MailSent, send(smtp, "ack-file").State)
	})
}
