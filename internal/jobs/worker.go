package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// Worker processes tasks. Handlers are registered by type before Start.
type Worker struct {
	srv *asynq.Server
	mux *asynq.ServeMux
}

// NewWorker builds a worker on q's Redis with the given concurrency.
func NewWorker(q *Queue, concurrency int, shutdown time.Duration) *Worker {
	srv := asynq.NewServer(q.Opt, asynq.Config{
		Concurrency:     concurrency,
		Queues:          map[string]int{"critical": 6, "default": 3, "low": 1},
		ShutdownTimeout: shutdown,
		Logger:          slogLogger{},
		LogLevel:        asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			id, _ := asynq.GetTaskID(ctx)
			n, _ := asynq.GetRetryCount(ctx)
			slog.Warn("task failed", "type", t.Type(), "id", id, "retry", n, "err", err)
		}),
	})
	return &Worker{srv: srv, mux: asynq.NewServeMux()}
}

// Handle registers the handler of a task type.
func (w *Worker) Handle(taskType string, h func(context.Context, *asynq.Task) error) {
	w.mux.HandleFunc(taskType, h)
}

// Start begins processing in the background.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	return nil
}

// Shutdown stops fetching and waits for running tasks (up to the shutdown timeout).
func (w *Worker) Shutdown() { w.srv.Shutdown() }

type slogLogger struct{}

func (slogLogger) Debug(args ...any) { slog.Debug(fmt.Sprint(args...)) }
func (slogLogger) Info(args ...any)  { slog.Info(fmt.Sprint(args...)) }
func (slogLogger) Warn(args ...any)  { slog.Warn(fmt.Sprint(args...)) }
func (slogLogger) Error(args ...any) { slog.Error(fmt.Sprint(args...)) }
func (slogLogger) Fatal(args ...any) { slog.Error(fmt.Sprint(args...)) }

// HandleJSON adapts a typed handler: the payload is decoded into T, and a
// payload that does not decode is skipped (retrying cannot fix it).
func HandleJSON[T any](h func(context.Context, T) error) func(context.Context, *asynq.Task) error {
	return func(ctx context.Context, t *asynq.Task) error {
		var v T
		if err := json.Unmarshal(t.Payload(), &v); err != nil {
			return fmt.Errorf("%s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
		}
		return h(ctx, v)
	}
}
