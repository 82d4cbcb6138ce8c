package blob_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/embedded"
)

type backend struct {
	name  string
	store *blob.Store
}

// backends returns the embedded S3 always, and the real one when S3_ENDPOINT is set (CI).
func backends(t *testing.T) []backend {
	t.Helper()
	ctx := context.Background()
	bucket := fmt.Sprintf("tremplin-test-%d", time.Now().UnixNano())
	srv, err := embedded.StartS3(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	emb, err := blob.Open(ctx, blob.Options{Endpoint: srv.Endpoint(), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: bucket})
	require.NoError(t, err)
	out := []backend{{"embedded", emb}}
	if ep := os.Getenv("S3_ENDPOINT"); ep != "" {
		real, err := blob.Open(ctx, blob.Options{Endpoint: ep, AccessKey: os.Getenv("S3_ACCESS_KEY"),
			SecretKey: os.Getenv("S3_SECRET_KEY"), Bucket: bucket, UseTLS: os.Getenv("S3_USE_TLS") == "true"})
		require.NoError(t, err)
		out = append(out, backend{"s3", real})
	}
	return out
}

// TestLargeRoundTripIsByteIdentical uploads 40 MiB with an unknown size, which
// makes minio-go send several streaming-signed parts: the case gofakes3 used to corrupt.
func TestLargeRoundTripIsByteIdentical(t *testing.T) {
	t.Parallel()
	const size = 40 << 20
	data := make([]byte, size)
	_, err := rand.Read(data)
	require.NoError(t, err)
	want := sha256.Sum256(data)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			// An io.Reader that is not a *bytes.Reader hides the size from minio-go.
			n, err := b.store.Put(ctx, "big/file.bin", io.MultiReader(newChunks(data)...), -1, "application/octet-stream")
			require.NoError(t, err)
			require.EqualValues(t, size, n)
			rc, info, err := b.store.Get(ctx, "big/file.bin")
			require.NoError(t, err)
			defer rc.Close()
			require.EqualValues(t, size, info.Size)
			h := sha256.New()
			_, err = io.Copy(h, rc)
			require.NoError(t, err)
			require.Equal(t, want[:], h.Sum(nil))
		})
	}
}

func newChunks(data []byte) []io.Reader {
	var out []io.Reader
	for len(data) > 0 {
		n := min(len(data), 1<<20)
		out = append(out, io.LimitReader(&sliceReader{b: data[:n]}, int64(n)))
		data = data[n:]
	}
	return out
}

type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

func TestSmallObjectsAndMissingKey(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			_, err := b.store.Put(ctx, "a/b.txt", stringsReader("bonjour"), 7, "text/plain")
			require.NoError(t, err)
			info, err := b.store.Stat(ctx, "a/b.txt")
			require.NoError(t, err)
			require.EqualValues(t, 7, info.Size)
			var keys []string
			require.NoError(t, b.store.List(ctx, "a/", func(i blob.Info) error { keys = append(keys, i.Key); return nil }))
			require.Equal(t, []string{"a/b.txt"}, keys)
			require.NoError(t, b.store.Delete(ctx, "a/b.txt"))
			_, err = b.store.Stat(ctx, "a/b.txt")
			require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err))
		})
	}
}

func stringsReader(s string) io.Reader { return &sliceReader{b: []byte(s)} }

// failingReader sends size bytes, then fails as a client that went away does.
type failingReader struct {
	left int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := int(min(int64(len(p)), f.left))
	clear(p[:n])
	f.left -= int64(n)
	return n, nil
}

// An upload whose client goes away (net/http then reads io.ErrUnexpectedEOF)
// is not stored truncated, leaves no incomplete upload behind, whether one
// part or several were sent, and the error is the client's, not a storage
// outage.
func TestFailedUploadLeavesNoIncompleteUpload(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			for _, sent := range []int64{64 << 10, blob.PartSize + 4<<20} {
				key := fmt.Sprintf("applications/1/interrompu-%d", sent)
				_, err := b.store.Put(ctx, key, &failingReader{left: sent}, -1, "application/pdf")
				require.ErrorIs(t, err, io.ErrUnexpectedEOF)
				require.NotEqual(t, domain.CodeUnavailable, domain.ErrorCode(err))
				require.Empty(t, incompleteUploads(t, b.store, key))
				_, err = b.store.Stat(ctx, key)
				require.Equal(t, domain.CodeNotFound, domain.ErrorCode(err), "no truncated object")
			}
		})
	}
}

// An upload abandoned without an abort (a process killed mid-upload) is
// aborted by the sweep once it is a day old, not before; and when the server
// took the lifecycle rule, the bucket carries it.
func TestAbandonedUploadsAreSwept(t *testing.T) {
	t.Parallel()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			n, err := b.store.SweepIncompleteUploads(ctx, time.Now().Add(blob.AbandonedAfter+time.Hour))
			require.NoError(t, err, "nothing in progress is nothing to do")
			require.Zero(t, n)
			core := minio.Core{Client: b.store.Client()}
			key := "applications/2/abandonne"
			id, err := core.NewMultipartUpload(ctx, b.store.Bucket(), key, minio.PutObjectOptions{})
			require.NoError(t, err)
			_, err = core.PutObjectPart(ctx, b.store.Bucket(), key, id, 1, stringsReader("début"), 6, minio.PutObjectPartOptions{})
			require.NoError(t, err)
			require.Len(t, incompleteUploads(t, b.store, key), 1)

			n, err = b.store.SweepIncompleteUploads(ctx, time.Now())
			require.NoError(t, err)
			require.Zero(t, n, "an upload of a few seconds may still be in progress")
			require.Len(t, incompleteUploads(t, b.store, key), 1)
			n, err = b.store.SweepIncompleteUploads(ctx, time.Now().Add(blob.AbandonedAfter+time.Hour))
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Empty(t, incompleteUploads(t, b.store, key))

			if b.store.LifecycleRule() {
				cfg, err := b.store.Client().GetBucketLifecycle(ctx, b.store.Bucket())
				require.NoError(t, err)
				require.Len(t, cfg.Rules, 1)
				require.EqualValues(t, 1, cfg.Rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation)
			}
		})
	}
}

func incompleteUploads(t *testing.T, s *blob.Store, prefix string) []string {
	t.Helper()
	var out []string
	for u := range s.Client().ListIncompleteUploads(context.Background(), s.Bucket(), prefix, true) {
		require.NoError(t, u.Err)
		out = append(out, u.UploadID)
	}
	return out
}
