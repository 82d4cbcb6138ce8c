package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
)

// The build writes x.js.br and x.js.gz beside x.js; the server sends the
// best one the client accepts, as x.js, and never a copy it did not ask for.
func TestStaticAssetsAreServedPrecompressed(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"index.html":               {Data: []byte("<!doctype html><title>Tremplin</title>")},
		"assets/index-abc1.js":     {Data: []byte("console.log('identité');")},
		"assets/index-abc1.js.br":  {Data: []byte("BROTLI")},
		"assets/index-abc1.js.gz":  {Data: []byte("GZIP-DATA")},
		"assets/style-abc2.css":    {Data: []byte("body{margin:0}")},
		"assets/style-abc2.css.gz": {Data: []byte("GZ-CSS")},
		"logo.svg":                 {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
		"data/communes.csv.gz":     {Data: []byte("an archive of its own")},
	}
	s := &Server{deps: Deps{Frontend: files}}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.NoRoute(s.noRoute)
	get := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w
	}
	for _, c := range []struct {
		path, accept, encoding, body string
	}{
		{"/assets/index-abc1.js", "gzip, deflate, br, zstd", "br", "BROTLI"},
		{"/assets/index-abc1.js", "gzip", "gzip", "GZIP-DATA"},
		{"/assets/index-abc1.js", "x-gzip", "gzip", "GZIP-DATA"},
		{"/assets/index-abc1.js", "br;q=0, gzip;q=0.5", "gzip", "GZIP-DATA"},
		{"/assets/index-abc1.js", "*", "br", "BROTLI"},
		{"/assets/index-abc1.js", "*;q=0, identity", "", "console.log('identité');"},
		{"/assets/index-abc1.js", "br;q=0, *", "gzip", "GZIP-DATA"},
		{"/assets/index-abc1.js", "", "", "console.log('identité');"},
		{"/assets/index-abc1.js", "deflate", "", "console.log('identité');"},
		{"/assets/style-abc2.css", "br, gzip", "gzip", "GZ-CSS"},
	} {
		name := c.path + " [" + c.accept + "]"
		w := get(c.path, c.accept)
		require.Equal(t, http.StatusOK, w.Code, name)
		require.Equal(t, c.encoding, w.Header().Get("Content-Encoding"), name)
		require.Equal(t, c.body, w.Body.String(), name)
		require.Equal(t, strconv.Itoa(len(c.body)), w.Header().Get("Content-Length"), name)
		require.Equal(t, "Accept-Encoding", w.Header().Get("Vary"), name)
		require.Contains(t, w.Header().Get("Content-Type"), map[string]string{".js": "text/javascript", "css": "text/css"}[c.path[len(c.path)-3:]], name)
		require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"), name)
	}

	head := httptest.NewRequest(http.MethodHead, "/assets/index-abc1.js", nil)
	head.Header.Set("Accept-Encoding", "br")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, head)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "6", w.Header().Get("Content-Length"))
	require.Empty(t, w.Body.String())

	// A file without variants is sent as is, with no Vary to split caches for nothing.
	w = get("/logo.svg", "br, gzip")
	require.Equal(t, http.StatusOK, w.Code)
	require.Empty(t, w.Header().Get("Content-Encoding"))
	require.Empty(t, w.Header().Get("Vary"))
	require.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))

	// The variants are not files of their own.
	for _, p := range []string{"/assets/index-abc1.js.br", "/assets/index-abc1.js.gz"} {
		w := get(p, "br, gzip")
		require.Equal(t, http.StatusNotFound, w.Code, p)
		require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), p)
	}
	// …but a .gz with no file beside it is a file like any other.
	w = get("/data/communes.csv.gz", "")
	require.Equal(t, http.StatusOK, w.Code)
	body, err := io.ReadAll(w.Body)
	require.NoError(t, err)
	require.Equal(t, "an archive of its own", string(body))
}
