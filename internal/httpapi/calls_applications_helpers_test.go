package httpapi_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// testClock is a clock a test moves while the server runs (atomic: request
// goroutines read it).
type testClock struct{ ns atomic.Int64 }

func (c *testClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *testClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }

// clockedServer runs the API with the demo data and a clock the test sets,
// without the outbox relay and the worker (whose goroutines read the clock
// before a test could install its own): outbox rows stay in the table for
// the test to read.
func clockedServer(t *testing.T, start time.Time) (*servertest.Server, *testClock) {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{}
	clock.set(start)
	env := map[string]string{
		"TREMPLIN_ADDR": "127.0.0.1:0", "TREMPLIN_DATA_DIR": t.TempDir(), "TREMPLIN_DEMO": "true",
		"S3_BUCKET": fmt.Sprintf("tc-%d-%d", os.Getpid(), time.Now().UnixNano()),
		// In-process Redis, S3 and mail even on PostgreSQL (asked for, as production requires); metrics on a free port.
		"TREMPLIN_EMBEDDED": "redis,s3,mail", "TREMPLIN_METRICS_ADDR": "127.0.0.1:0",
	}
	if os.Getenv("DATABASE_URL") != "" {
		env["DATABASE_URL"] = storetest.URL(t)
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	front := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Tremplin</title>")}}
	m, err := server.Open(ctx, cfg, front)
	require.NoError(t, err)
	m.DB.Now = clock.now
	_, err = m.SeedDemo(ctx)
	require.NoError(t, err)
	require.NoError(t, m.Listen())
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Shutdown(sctx)
	})
	return &servertest.Server{Main: m}, clock
}

// withIfMatch sends a JSON request with an If-Match version.
func withIfMatch(t *testing.T, c *servertest.Client, method, path string, version int64, body any) *servertest.Response {
	t.Helper()
	cc := *c
	cc.Header = http.Header{}
	for k, v := range c.Header {
		cc.Header[k] = v
	}
	cc.Header.Set("If-Match", fmt.Sprintf(`"%d"`, version))
	return cc.Do(method, path, body)
}

// fieldCodes maps each field error of a problem to its code.
func fieldCodes(t *testing.T, r *servertest.Response) map[string]string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Code, Detail string }
	}
	r.JSON(t, &p)
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Field] = e.Code
	}
	return out
}

// attachDocument stores a document row (no object: the tests read rows only).
func attachDocument(t *testing.T, s *servertest.Server, applicationID int64, slot string) int64 {
	t.Helper()
	sum := sha256.Sum256([]byte(slot))
	key := fmt.Sprintf("applications/%d/test-%s-%d", applicationID, slot, time.Now().UnixNano())
	ctx := context.Background()
	_, err := s.DB.NewRaw("INSERT INTO documents (application_id, slot, filename, content_type, size_bytes, sha256, object_key, created_at) "+
		"VALUES (?, ?, ?, 'application/pdf', 1000, ?, ?, ?)", applicationID, slot, slot+".pdf", hex.EncodeToString(sum[:]), key, s.DB.Clock()).Exec(ctx)
	require.NoError(t, err)
	var id int64
	require.NoError(t, s.DB.NewRaw("SELECT id FROM documents WHERE object_key = ?", key).Scan(ctx, &id))
	return id
}

var pdfStreamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText returns the text of a PDF's content streams, inflated.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	for _, m := range pdfStreamRE.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			out.Write(m[1])
			continue
		}
		data, _ := io.ReadAll(zr)
		out.Write(data)
	}
	return out.String()
}
