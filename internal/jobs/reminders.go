package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/notify"
)

// TypeDeliverReminder delivers one row of the sent-log (app.DeliverReminder).
const TypeDeliverReminder = app.TaskDeliverReminder

// HandleDeliverReminder sends a reminder at most once; an SMTP failure is
// returned so asynq retries with backoff, and the failure stays visible in
// the sent-log and the queue screen.
func HandleDeliverReminder(a *app.App, m notify.Mailer) func(context.Context, *asynq.Task) error {
	return HandleJSON(func(ctx context.Context, t app.DeliverTask) error { return a.DeliverReminder(ctx, m, t) })
}

// EnqueueReminder hands a delivery to asynq under a deterministic task ID;
// an ID the queue already holds (pending, retrying, archived or completed
// within the retention) means the delivery is already planned: success.
func (q *Queue) EnqueueReminder(ctx context.Context, taskID string, logID int64) error {
	payload, _ := json.Marshal(app.DeliverTask{ID: logID})
	_, err := q.client.EnqueueContext(ctx, asynq.NewTask(TypeDeliverReminder, payload),
		asynq.TaskID(taskID), asynq.Queue("default"), asynq.Retention(Retention), asynq.MaxRetry(12), asynq.Timeout(2*time.Minute))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return unreachable(err)
}

// EnqueueReminders enqueues deliveries with a few concurrent connections
// (one round trip each): a sweep that finds thousands due is not bound by
// the latency of one connection. It stops at the first failure (Redis down:
// the next sweep enqueues again) and says how many went through.
func (q *Queue) EnqueueReminders(ctx context.Context, tasks []app.ReminderEnqueue) (int, error) {
	const workers = 8
	var (
		wg   sync.WaitGroup
		next atomic.Int64
		done atomic.Int64
		mu   sync.Mutex
		fail error
	)
	for w := 0; w < min(workers, len(tasks)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(tasks) {
					return
				}
				mu.Lock()
				stop := fail != nil
				mu.Unlock()
				if stop {
					return
				}
				if err := q.EnqueueReminder(ctx, tasks[i].TaskID, tasks[i].LogID); err != nil {
					mu.Lock()
					if fail == nil {
						fail = err
					}
					mu.Unlock()
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(done.Load()), fail
}

// QueuesInfo describes every queue (admin screen).
func (q *Queue) QueuesInfo() ([]app.QueueInfo, error) {
	q.registerQueues()
	names, err := q.inspector.Queues()
	if err != nil {
		return nil, q.outage(err)
	}
	out := make([]app.QueueInfo, 0, len(names))
	for _, n := range names {
		info, err := q.inspector.GetQueueInfo(n)
		if err != nil {
			return nil, q.outage(err)
		}
		out = append(out, app.QueueInfo{Name: n, Size: info.Size, Pending: info.Pending, Active: info.Active,
			Scheduled: info.Scheduled, Retry: info.Retry, Archived: info.Archived, Completed: info.Completed, Paused: info.Paused})
	}
	return out, nil
}

// Tasks lists up to limit tasks of a queue in a state.
func (q *Queue) Tasks(queue, state string, limit int) ([]app.TaskInfo, error) {
	q.registerQueues()
	opts := []asynq.ListOption{asynq.PageSize(limit)}
	var (
		tasks []*asynq.TaskInfo
		err   error
	)
	switch state {
	case "pending":
		tasks, err = q.inspector.ListPendingTasks(queue, opts...)
	case "active":
		tasks, err = q.inspector.ListActiveTasks(queue, opts...)
	case "scheduled":
		tasks, err = q.inspector.ListScheduledTasks(queue, opts...)
	case "retry":
		tasks, err = q.inspector.ListRetryTasks(queue, opts...)
	case "archived":
		tasks, err = q.inspector.ListArchivedTasks(queue, opts...)
	case "completed":
		tasks, err = q.inspector.ListCompletedTasks(queue, opts...)
	default:
		return nil, fmt.Errorf("unknown task state %q", state)
	}
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return []app.TaskInfo{}, nil
	}
	if err != nil {
		return nil, q.outage(err)
	}
	out := make([]app.TaskInfo, 0, len(tasks))
	for _, t := range tasks {
		ti := app.TaskInfo{ID: t.ID, Queue: t.Queue, Type: t.Type, State: t.State.String(), Retried: t.Retried,
			MaxRetry: t.MaxRetry, LastError: t.LastErr, Payload: truncatePayload(t.Payload)}
		if !t.LastFailedAt.IsZero() {
			at := t.LastFailedAt.UTC()
			ti.LastFailedAt = &at
		}
		if !t.NextProcessAt.IsZero() {
			at := t.NextProcessAt.UTC()
			ti.NextProcessAt = &at
		}
		out = append(out, ti)
	}
	return out, nil
}

// truncatePayload shows a payload's start (e-mail bodies can be long).
func truncatePayload(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// RunTask runs a scheduled, retrying or archived task now.
func (q *Queue) RunTask(queue, id string) error {
	return q.mapInspectorErr(q.inspector.RunTask(queue, id))
}

// DeleteTask deletes a task that is not running.
func (q *Queue) DeleteTask(queue, id string) error {
	return q.mapInspectorErr(q.inspector.DeleteTask(queue, id))
}

var _ app.QueueAdmin = (*Queue)(nil)
