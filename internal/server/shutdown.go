package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Shutdown stops within ctx's deadline (TREMPLIN_SHUTDOWN_TIMEOUT), one
// budget for everything: the worker stops taking tasks and finishes those
// running while the HTTP server drains its requests; at the deadline the
// requests still running are logged one by one and cut, then the relay
// stops and the backends close. Whatever was cut is safe: a cut request
// committed nothing or everything, a cut task goes back to the queue.
func (m *Main) Shutdown(ctx context.Context) error {
	log := m.Logger
	if log == nil {
		log = slog.Default()
	}
	var errs []error
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		if m.Worker != nil {
			m.Worker.Shutdown()
		}
	}()
	if m.httpServer != nil {
		if err := m.httpServer.Shutdown(ctx); err != nil {
			m.cutRequests(log)
			errs = append(errs, fmt.Errorf("http drain: %w", err))
		}
	}
	if m.metricsServer != nil {
		_ = m.metricsServer.Close()
	}
	if m.cancel != nil {
		m.cancel()
		stopped(ctx, m.relayDone)
	}
	if !stopped(ctx, workerDone) {
		log.Warn("shutdown: deadline reached before the worker stopped; its running tasks return to the queue when their lease expires")
		errs = append(errs, errors.New("worker stop: deadline reached"))
	}
	m.Close()
	return errors.Join(errs...)
}

// stopped waits for done until ctx ends and reports whether it came; done
// wins when both are ready (a select would pick one at random).
func stopped(ctx context.Context, done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
	}
	select {
	case <-done:
		return true
	case <-ctx.Done():
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

// cutRequests logs each request still running at the deadline, then closes
// their connections.
func (m *Main) cutRequests(log *slog.Logger) {
	now := time.Now()
	if m.HTTP != nil {
		for _, r := range m.HTTP.InFlight() {
			log.Warn("request cut by shutdown", "method", r.Method, "route", r.Route, "path", r.Path,
				"request_id", r.RequestID, "running_ms", now.Sub(r.Started).Milliseconds())
		}
	}
	_ = m.httpServer.Close()
}

// workerGrace is how long running tasks get once a stop begins: the stop's
// whole budget less a margin, so that asynq hands the unfinished ones back
// to the queue before the deadline rather than after it.
func workerGrace(budget time.Duration) time.Duration {
	return budget - min(budget/5, 2*time.Second)
}
