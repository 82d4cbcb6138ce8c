package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

// opsAdmin creates a platform administrator on a server without demo data and signs in.
func opsAdmin(t *testing.T, s *servertest.Server) *servertest.Client {
	t.Helper()
	const email, pw = "exploitation@seinesaintdenis.fr", "un mot de passe assez long"
	_, err := server.CreateAdmin(context.Background(), s.DB, email, "Exploitation", pw)
	require.NoError(t, err)
	return s.Login(t, email, pw)
}

// With Redis down, the replica still serves (writes wait in the outbox): it
// stays ready and says it is degraded, the metric says Redis is down, and
// the queue screen answers 503 in French instead of 500. Service resumes
// with Redis.
func TestRedisOutageKeepsTheReplicaReady(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, Embedded: true})
	admin := opsAdmin(t, s)
	require.Equal(t, http.StatusOK, admin.Get("/api/v1/admin/queues").Status)

	s.EmbeddedRedis().Stop()
	resp, body := get(t, s.Path("/readyz"))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"status":"degraded"`)
	require.Contains(t, string(body), `"redis":"indisponible"`)
	require.Contains(t, string(body), `"database":"ok"`)
	_, metrics := get(t, s.MetricsURL())
	require.Contains(t, string(metrics), `tremplin_backend_up{backend="redis"} 0`)
	require.Contains(t, string(metrics), `tremplin_backend_up{backend="database"} 1`)

	for _, r := range []*servertest.Response{
		admin.Get("/api/v1/admin/queues"),
		admin.Get("/api/v1/admin/queues/default/tasks?state=retry"),
		admin.Post("/api/v1/admin/queues/default/tasks/t1/run", nil),
		admin.Do(http.MethodDelete, "/api/v1/admin/queues/default/tasks/t1", nil),
	} {
		require.Equal(t, http.StatusServiceUnavailable, r.Status, string(r.Body))
		require.Equal(t, "5", r.Header.Get("Retry-After"))
		p := r.Map(t)
		require.Equal(t, "unavailable", p["code"])
		require.Equal(t, "La file de tâches est momentanément indisponible. Réessayez dans quelques instants.", p["detail"])
	}
	// A write still succeeds: the reset e-mail waits in the outbox for Redis.
	forgot := s.Anonymous(t).Post("/api/v1/auth/password/forgot", map[string]string{"email": "exploitation@seinesaintdenis.fr"})
	require.Less(t, forgot.Status, 300, string(forgot.Body))

	require.NoError(t, s.EmbeddedRedis().Restart())
	require.Eventually(t, func() bool { return admin.Get("/api/v1/admin/queues").Status == http.StatusOK }, 10*time.Second, 50*time.Millisecond)
	_, body = get(t, s.Path("/readyz"))
	require.Contains(t, string(body), `"status":"ok"`)
}

// A written e-mail (no SMTP server configured) is listed as not delivered.
func TestWrittenMailsAreListedAsNotDelivered(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, Env: map[string]string{"SMTP_URL": ""}})
	admin := opsAdmin(t, s)
	// Asking for a password reset sends an e-mail through the outbox.
	anon := s.Anonymous(t)
	require.Less(t, anon.Post("/api/v1/auth/password/forgot", map[string]string{"email": "exploitation@seinesaintdenis.fr"}).Status, 300)
	var items []map[string]any
	require.Eventually(t, func() bool {
		r := admin.Get("/api/v1/admin/mails/failed")
		if r.Status != http.StatusOK {
			return false
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		r.JSON(t, &list)
		items = list.Items
		return len(items) == 1 && items[0]["state"] != "sending"
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, "written", items[0]["state"])
	require.Equal(t, "exploitation@seinesaintdenis.fr", items[0]["recipient"])
	require.Nil(t, items[0]["sent_at"])
}

// An upload or a download may take long (TREMPLIN_STREAM_TIMEOUT), not for
// ever: a client that stalls is cut at the deadline.
func TestStreamingRoutesHaveADeadline(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true, Env: map[string]string{"TREMPLIN_STREAM_TIMEOUT": "300ms"}})
	admin := opsAdmin(t, s)
	conn := admin.SlowUpload("/api/v1/admin/geo/communes", "application/geo+json", "upload-cale-0001", 5<<20, `{"type":`)
	defer conn.Close()
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err := io.ReadAll(conn)
	require.NoError(t, err, "the server closed the stalled upload's connection")
	require.Less(t, time.Since(start), 10*time.Second)
	require.Eventually(t, func() bool { return len(s.HTTP.InFlight()) == 0 }, 5*time.Second, 10*time.Millisecond,
		"no goroutine is left serving it")
}

// A client that goes away mid-upload leaves nothing: no document, no object,
// no incomplete upload in S3 (the parts already sent are aborted).
func TestInterruptedUploadKeepsNothing(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t, servertest.Options{})
	path := fmt.Sprintf("/api/v1/applications/%d/documents?slot=statuts&filename=statuts.pdf", f.appID)
	conn := f.owner.SlowUpload(path, "application/pdf", "upload-coupe-0001", 20<<20, docSamePDF+strings.Repeat("x", 1<<20))
	require.Eventually(t, func() bool { return len(f.s.HTTP.InFlight()) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool { return len(f.s.HTTP.InFlight()) == 0 }, 10*time.Second, 10*time.Millisecond)
	rows, objects := f.stored(t)
	require.Zero(t, rows)
	require.Zero(t, objects)
	for u := range f.s.Blobs.Client().ListIncompleteUploads(context.Background(), f.s.Blobs.Bucket(), "applications/", true) {
		require.NoError(t, u.Err)
		require.Failf(t, "incomplete upload left", "%s", u.Key)
	}
}
