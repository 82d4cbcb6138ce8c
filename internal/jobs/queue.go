// Package jobs runs background work on asynq: the queue client, the worker
// server, the outbox relay that feeds the queue from committed rows, and the
// task types (TypeX / NewXTask / HandleXTask).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// Retention keeps completed tasks (and so their IDs) in Redis for a day: a
// relay that re-sends a row after a crash gets ErrTaskIDConflict instead of
// running the task twice.
const Retention = 24 * time.Hour

// Queue enqueues tasks and inspects queues.
type Queue struct {
	Opt       asynq.RedisClientOpt
	client    *asynq.Client
	inspector *asynq.Inspector
	rdb       redis.UniversalClient
}

// OpenQueue connects to Redis at url and checks it answers.
func OpenQueue(ctx context.Context, url string) (*Queue, error) {
	parsed, err := asynq.ParseRedisURI(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt, ok := parsed.(asynq.RedisClientOpt)
	if !ok {
		return nil, fmt.Errorf("REDIS_URL: only single-node redis:// URLs are supported")
	}
	// Short timeouts: when Redis is down, callers (the relay, /readyz) must
	// learn it quickly and back off rather than hang.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 2*time.Second, 3*time.Second, 3*time.Second
	q := &Queue{
		Opt:       opt,
		client:    asynq.NewClient(opt),
		inspector: asynq.NewInspector(opt),
		rdb:       opt.MakeRedisClient().(redis.UniversalClient),
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := q.Ping(pctx); err != nil {
		_ = q.Close()
		return nil, fmt.Errorf("redis unreachable: %w", err)
	}
	return q, nil
}

// Ping checks Redis answers.
func (q *Queue) Ping(ctx context.Context) error { return q.rdb.Ping(ctx).Err() }

// Redis exposes the raw client (benchmarks compare against a bare LPUSH).
func (q *Queue) Redis() redis.UniversalClient { return q.rdb }

// Inspector exposes asynq's inspector for the admin queue screen. The
// queues are registered again first: an asynq client registers a queue name
// once per process, so after Redis lost its data the inspector would not see
// queues that are in use again.
func (q *Queue) Inspector() *asynq.Inspector {
	q.registerQueues()
	return q.inspector
}

func (q *Queue) registerQueues() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = q.rdb.SAdd(ctx, "asynq:queues", "critical", "default", "low").Err()
}

// outage names a failure to reach Redis as such (503 with a French message on
// the admin screen, instead of a 500): the error says so, or Redis does not
// answer a ping. Other errors pass through.
func (q *Queue) outage(err error) error {
	if err == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if store.Unreachable(err) || q.Ping(ctx) != nil {
		return domain.Unavailable("La file de tâches", err)
	}
	return err
}

// Close releases the connections.
func (q *Queue) Close() error {
	return errors.Join(q.client.Close(), q.inspector.Close(), q.rdb.Close())
}

// Enqueue hands an outbox message to asynq. An ID already known to asynq
// means an earlier attempt got through: that is success, not an error.
func (q *Queue) Enqueue(ctx context.Context, m *store.OutboxMessage) error {
	opts := []asynq.Option{asynq.TaskID(m.TaskID), asynq.Queue(m.Queue), asynq.Retention(Retention), asynq.MaxRetry(12)}
	if m.ProcessAt != nil {
		opts = append(opts, asynq.ProcessAt(*m.ProcessAt))
	}
	_, err := q.client.EnqueueContext(ctx, asynq.NewTask(m.TaskType, m.Payload), opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return unreachable(err)
}

// unreachable names Redis out of reach as an outage (an admin's resend or
// sweep answers 503 in French); unlike outage it sends no ping, the relay
// calls it in a loop.
func unreachable(err error) error {
	if store.Unreachable(err) {
		return domain.Unavailable("La file de tâches", err)
	}
	return err
}

// Depth returns the number of pending+scheduled+retry tasks per queue.
func (q *Queue) Depth() (map[string]int, error) {
	queues, err := q.Inspector().Queues()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, name := range queues {
		info, err := q.inspector.GetQueueInfo(name)
		if err != nil {
			return nil, err
		}
		out[name] = info.Pending + info.Scheduled + info.Retry
	}
	return out, nil
}
