// Package jobstest gives a test its own Redis: a private miniredis by
// default, or, when REDIS_URL is set (CI), a database index of the real
// server leased for the test's duration and flushed before use.
package jobstest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/embedded"
)

// Redis is a test's Redis.
type Redis struct {
	URL string
	// Flush empties the test's database, as a Redis restart without persistence would.
	Flush func()
	// Real tells whether this is the real server.
	Real bool
}

// New returns a Redis for t.
func New(t testing.TB) Redis {
	t.Helper()
	base := os.Getenv("REDIS_URL")
	if base == "" {
		m, err := embedded.StartRedis()
		require.NoError(t, err)
		t.Cleanup(m.Close)
		return Redis{URL: m.URL(), Flush: m.FlushAll}
	}
	u, err := url.Parse(base)
	require.NoError(t, err)
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: u.Host, DB: 0})
	defer admin.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		for n := 1; n <= 15; n++ {
			key := fmt.Sprintf("tremplin:test:db:%d", n)
			ok, err := admin.SetNX(ctx, key, os.Getpid(), 10*time.Minute).Result()
			require.NoError(t, err)
			if !ok {
				continue
			}
			c := redis.NewClient(&redis.Options{Addr: u.Host, DB: n})
			require.NoError(t, c.FlushDB(ctx).Err())
			t.Cleanup(func() {
				_ = c.FlushDB(context.Background()).Err()
				_ = c.Close()
				a := redis.NewClient(&redis.Options{Addr: u.Host})
				_ = a.Del(context.Background(), key).Err()
				_ = a.Close()
			})
			return Redis{
				URL:   fmt.Sprintf("redis://%s/%d", u.Host, n),
				Flush: func() { _ = c.FlushDB(context.Background()).Err() },
				Real:  true,
			}
		}
		require.True(t, time.Now().Before(deadline), "no free Redis database index for the test")
		time.Sleep(100 * time.Millisecond)
	}
}
