package embedded

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"
)

// S3 is an in-process S3 server storing objects under a directory. It checks
// no credentials, so it binds to 127.0.0.1 and is never exposed: downloads go
// through the API, which authorises them.
type S3 struct {
	srv       *http.Server
	ln        net.Listener
	AccessKey string
	SecretKey string
}

// StartS3 serves the files under dir on a random loopback port.
func StartS3(dir string) (*S3, error) {
	objDir, metaDir := filepath.Join(dir, "objects"), filepath.Join(dir, "meta")
	for _, d := range []string{objDir, metaDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("embedded s3: %w", err)
		}
	}
	objFs, err := s3afero.FsPath(objDir, 0)
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	metaFs := afero.NewBasePathFs(afero.NewOsFs(), metaDir)
	backend, err := s3afero.MultiBucket(objFs, s3afero.MultiWithMetaFs(metaFs))
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(true), gofakes3.WithLogger(gofakes3.DiscardLog()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	s := &S3{
		srv: &http.Server{
			Handler:           decodeAWSChunked(faker.Server()),
			ReadHeaderTimeout: 10 * time.Second,
		},
		ln:        ln,
		AccessKey: randomKey(),
		SecretKey: randomKey(),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("embedded s3 stopped", "err", err)
		}
	}()
	return s, nil
}

// Endpoint is the host:port minio-go connects to.
func (s *S3) Endpoint() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *S3) Close() error { return s.srv.Close() }

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// decodeAWSChunked strips the aws-chunked framing minio-go uses for
// streaming-signed uploads over plain HTTP. gofakes3 v1.2.0 decodes it for
// PutObject but stores it verbatim inside multipart parts, corrupting every
// object large enough to be sent in parts (≥ 16 MiB). Decoding here, before
// gofakes3 sees the request, fixes both paths the same way.
func decodeAWSChunked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
			n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
			if err != nil || n < 0 {
				http.Error(w, "missing x-amz-decoded-content-length", http.StatusBadRequest)
				return
			}
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.LimitReader(&chunkReader{r: bufio.NewReader(r.Body)}, n), r.Body}
			r.ContentLength = n
			r.Header.Set("Content-Length", strconv.FormatInt(n, 10))
			r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
			r.Header.Del("X-Amz-Decoded-Content-Length")
			r.Header.Del("Content-Encoding")
		}
		next.ServeHTTP(w, r)
	})
}

// chunkReader reads the aws-chunked encoding:
// hex(size);chunk-signature=…\r\n <size bytes> \r\n … 0;chunk-signature=…\r\n\r\n
// (optionally followed by trailers, which are ignored).
type chunkReader struct {
	r      *bufio.Reader
	remain int64
	done   bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	if c.remain == 0 {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, fmt.Errorf("aws-chunked header: %w", err)
		}
		sizeHex, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || size < 0 {
			return 0, fmt.Errorf("aws-chunked size %q", sizeHex)
		}
		if size == 0 {
			c.done = true
			return 0, io.EOF
		}
		c.remain = size
	}
	if int64(len(p)) > c.remain {
		p = p[:c.remain]
	}
	n, err := c.r.Read(p)
	c.remain -= int64(n)
	if c.remain == 0 && err == nil {
		// Each chunk's data is followed by CRLF.
		if _, err := c.r.Discard(2); err != nil {
			return n, err
		}
	}
	if errors.Is(err, io.EOF) && c.remain > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
