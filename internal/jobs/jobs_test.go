package jobs_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/jobs/jobstest"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

type recordingMailer struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (r *recordingMailer) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

func (r *recordingMailer) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// An e-mail written to the outbox in a committed transaction is delivered
// once, even when the relay hands the same row to the queue twice.
func TestOutboxToWorkerDeliversOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rd := jobstest.New(t)
		q, err := jobs.OpenQueue(ctx, rd.URL)
		require.NoError(t, err)
		t.Cleanup(func() { _ = q.Close() })

		msg := notify.Message{To: []string{"porteur@asso.fr"}, Subject: "Accusé de réception", Text: "Bonjour", ID: "ack-1"}
		require.NoError(t, db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return db.Enqueue(ctx, tx, jobs.TypeSendMail, "mail:ack-1", msg, nil)
		}))
		relay := jobs.NewRelay(db, q)
		n, err := relay.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		// Simulate a relay that crashed after enqueueing but before marking the row.
		_, err = db.ExecContext(ctx, "UPDATE outbox SET dispatched_at = NULL")
		require.NoError(t, err)
		n, err = relay.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)

		mailer := &recordingMailer{}
		w := jobs.NewWorker(q, 2, 5*time.Second)
		w.Handle(jobs.TypeSendMail, jobs.HandleSendMailOnce(db, mailer))
		require.NoError(t, w.Start())
		t.Cleanup(w.Shutdown)
		require.Eventually(t, func() bool { return mailer.count() >= 1 }, 10*time.Second, 20*time.Millisecond)
		// A third relay pass after processing still cannot duplicate (retention keeps the ID).
		_, err = db.ExecContext(ctx, "UPDATE outbox SET dispatched_at = NULL")
		require.NoError(t, err)
		_, err = relay.RunOnce(ctx)
		require.NoError(t, err)
		// Nothing new was queued: the retained ID made the third enqueue a no-op.
		depth, err := q.Depth()
		require.NoError(t, err)
		require.Zero(t, depth["default"])
		done, err := q.Inspector().ListCompletedTasks("default")
		require.NoError(t, err)
		require.Len(t, done, 1)
		require.Equal(t, 1, mailer.count())
		require.Equal(t, "Accusé de réception", mailer.sent[0].Subject)
	})
}
