// Package embedded runs the in-process stand-ins of the default mode: a Redis
// (miniredis) that asynq talks to unchanged, and an S3 server (gofakes3 on
// disk) that minio-go talks to unchanged. Both listen on loopback only.
package embedded

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
)

// Redis is an in-process Redis. It keeps nothing across restarts: anything
// scheduled must be recomputable from the database (the outbox and sweeps do that).
type Redis struct {
	srv *miniredis.Miniredis
}

// StartRedis starts miniredis on a random loopback port.
func StartRedis() (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Redis{srv: m}, nil
}

// URL is the redis:// URL clients use.
func (r *Redis) URL() string { return "redis://" + r.srv.Addr() + "/0" }

// FlushAll empties the server, as a restart would (tests use it).
func (r *Redis) FlushAll() { r.srv.FlushAll() }

// Close stops the server.
func (r *Redis) Close() { r.srv.Close() }

// Stop closes the server as a crash would; Restart brings it back, empty, on
// the same address (tests of outages).
func (r *Redis) Stop() { r.srv.Close() }

// Restart starts a stopped server again on its address, with no data.
func (r *Redis) Restart() error {
	r.srv.FlushAll()
	return r.srv.Restart()
}
