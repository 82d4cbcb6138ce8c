package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/domain"
)

// SweepEvery is the period of the reminder sweep.
const SweepEvery = time.Minute

// RunReminderSweep sweeps now, then every period until ctx ends. Every
// replica runs it; the lease in the database lets one of them work at a
// time. A failure (database or Redis down) is logged and retried at the
// next tick: what is due stays in the database.
func RunReminderSweep(ctx context.Context, a *app.App, every time.Duration) {
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s:%d:%d", host, os.Getpid(), time.Now().UnixNano())
	sweep := func() {
		st, err := a.SweepReminders(ctx, holder)
		switch {
		case err != nil && ctx.Err() == nil:
			slog.Warn("reminder sweep failed; retrying at the next tick", "err", err)
		case st.Planned > 0 || st.Uncertain > 0:
			slog.Info("reminder sweep", "due", st.Due, "planned", st.Planned, "enqueued", st.Enqueued, "uncertain", st.Uncertain)
		}
	}
	sweep()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sweep()
		}
	}
}

// mapInspectorErr turns asynq's "no such task" into a not-found the API can
// show, and Redis out of reach into an outage.
func (q *Queue) mapInspectorErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return domain.NotFound("Tâche")
	}
	if out := q.outage(err); domain.ErrorCode(out) == domain.CodeUnavailable {
		return out
	}
	return domain.Errorf(domain.CodeConflict, "task_state", "Action impossible sur cette tâche : %v.", err)
}
