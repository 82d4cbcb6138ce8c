// Package blob stores documents in any S3 server through minio-go: MinIO or
// AWS in production, the embedded gofakes3 in the default mode.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/tremplin/tremplin/internal/domain"
)

// PartSize bounds minio-go's buffer per part. Without it an upload of unknown
// size buffers ~512 MiB; 16 MiB keeps the server's memory flat.
const PartSize = 16 << 20

// StreamThreads is how many parts of an upload of unknown size are in flight.
const StreamThreads = 2

// Store is an S3 bucket.
type Store struct {
	client *minio.Client
	bucket string
	// lifecycle says the server took the rule that aborts abandoned uploads.
	lifecycle bool
}

// Options says where the bucket is.
type Options struct {
	Endpoint, AccessKey, SecretKey, Bucket string
	UseTLS                                 bool
}

// Open connects to the S3 server and creates the bucket when missing.
func Open(ctx context.Context, o Options) (*Store, error) {
	c, err := minio.New(o.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure: o.UseTLS,
		// Ten retries with backoff keep a user waiting ~8 s when S3 is down;
		// three still absorb a transient error and answer the outage quickly.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("S3_ENDPOINT: %w", err)
	}
	s := &Store{client: c, bucket: o.Bucket}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	exists, err := c.BucketExists(ctx, o.Bucket)
	if err != nil {
		return nil, fmt.Errorf("S3 unreachable at %s: %w", o.Endpoint, err)
	}
	if !exists {
		if err := c.MakeBucket(ctx, o.Bucket, minio.MakeBucketOptions{}); err != nil {
			return nil, fmt.Errorf("create bucket %q: %w", o.Bucket, err)
		}
	}
	s.lifecycle = s.ensureLifecycle(ctx)
	return s, nil
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	Modified    time.Time
}

// Put streams r into key. size may be -1 when unknown; the data is sent in
// PartSize parts so memory stays bounded whatever the file size.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error) {
	src := &sourceReader{r: r}
	info, err := s.client.PutObject(ctx, s.bucket, key, src, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    PartSize,
		// With an unknown size minio-go otherwise reads a part, sends it, and
		// only then reads the next: two buffers let the next part arrive
		// while the previous one is sent, for 2 × PartSize of memory.
		ConcurrentStreamParts: size < 0,
		NumThreads:            StreamThreads,
	})
	if err == nil && src.err != nil {
		// Never keep an object whose source failed, whatever the client library made of it.
		_ = s.Delete(context.WithoutCancel(ctx), key)
		return 0, src.err
	}
	if err != nil {
		s.abortUpload(ctx, key, err)
		// The reader's own error (too large, bad type, the client gone or too
		// slow) wins over the transport's: the storage is not at fault.
		var de *domain.Error
		switch {
		case errors.As(err, &de):
			return 0, de
		case src.err != nil:
			return 0, src.err
		}
		return 0, domain.Unavailable("Le stockage des documents", err)
	}
	return info.Size, nil
}

// sourceReader guards an upload against its source's failure. minio-go
// takes io.ErrUnexpectedEOF from its source for the end of the data and
// completes the object, truncated: exactly what net/http returns when a
// client goes away mid-body. Any other error value makes it fail and abort,
// so the source's error is handed over wrapped, and remembered to tell a
// client that stopped sending from a storage that stopped answering.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, &sourceError{s.err}
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
		return n, &sourceError{err}
	}
	return n, err
}

// sourceError is a failure of the data being uploaded, not of the storage.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "reading the upload: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// Get opens key for reading.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, domain.Unavailable("Le stockage des documents", err)
	}
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, Info{}, mapErr(err)
	}
	return obj, Info{Key: key, Size: st.Size, ContentType: st.ContentType, Modified: st.LastModified}, nil
}

// Stat describes key.
func (s *Store) Stat(ctx context.Context, key string) (Info, error) {
	st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, mapErr(err)
	}
	return Info{Key: key, Size: st.Size, ContentType: st.ContentType, Modified: st.LastModified}, nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return mapErr(err)
	}
	return nil
}

// List calls fn for every object under prefix, stopping at the first error.
func (s *Store) List(ctx context.Context, prefix string, fn func(Info) error) error {
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return mapErr(obj.Err)
		}
		if err := fn(Info{Key: obj.Key, Size: obj.Size, Modified: obj.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// Ping checks the bucket answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.client.BucketExists(ctx, s.bucket)
	return err
}

// Client exposes minio-go for benchmarks that compare against a direct upload.
func (s *Store) Client() *minio.Client { return s.client }

// Bucket is the bucket name.
func (s *Store) Bucket() string { return s.bucket }

func mapErr(err error) error {
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return domain.NotFound("Document")
	}
	return domain.Unavailable("Le stockage des documents", err)
}
