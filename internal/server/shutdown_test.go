package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

// A stop is bounded by TREMPLIN_SHUTDOWN_TIMEOUT whatever is in flight: an
// upload that never ends is cut at the deadline, the process returns soon
// after it, and the log says which request was cut.
func TestShutdownCutsWhatOutlivesTheDeadline(t *testing.T) {
	t.Parallel()
	const timeout = time.Second
	s := servertest.Start(t, servertest.Options{NoDemo: true, Env: map[string]string{"TREMPLIN_SHUTDOWN_TIMEOUT": timeout.String()}})
	const email, pw = "exploitation@seinesaintdenis.fr", "un mot de passe assez long"
	_, err := server.CreateAdmin(context.Background(), s.DB, email, "Exploitation", pw)
	require.NoError(t, err)
	admin := s.Login(t, email, pw)
	// A slow upload: the headers and a few bytes of a 5 MiB map, then nothing.
	conn := admin.SlowUpload("/api/v1/admin/geo/communes", "application/geo+json", "upload-lent-0001", 5<<20, `{"type":`)
	defer conn.Close()
	require.Eventually(t, func() bool {
		for _, r := range s.HTTP.InFlight() {
			if r.RequestID == "upload-lent-0001" {
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond, "the upload is being served")

	logs := &syncBuffer{}
	s.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	err = s.Shutdown(ctx)
	took := time.Since(start)
	require.ErrorContains(t, err, "http drain")
	require.Less(t, took, timeout+500*time.Millisecond, "the stop keeps to its deadline")
	line := logs.String()
	require.Contains(t, line, `"msg":"request cut by shutdown"`)
	require.Contains(t, line, `"route":"/api/v1/admin/geo/communes"`)
	require.Contains(t, line, `"request_id":"upload-lent-0001"`)
	require.Contains(t, line, `"running_ms":`)

	// The client learns it: its connection is closed.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "the server closed the connection (EOF), the read did not time out")
}

// syncBuffer is a bytes.Buffer safe for the logger's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
