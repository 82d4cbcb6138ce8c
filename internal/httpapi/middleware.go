package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	ctxRequestID = "tremplin.request_id"
	ctxRoute     = "tremplin.route"
	headerReqID  = "X-Request-ID"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestIDs reuses a well-formed inbound X-Request-ID (from a proxy) or makes one.
func requestIDs() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerReqID)
		if !safeRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(ctxRequestID, id)
		c.Header(headerReqID, id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// accessLog writes one JSON line per request.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"method", c.Request.Method, "route", route, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"bytes", c.Writer.Size(), "request_id", requestID(c), "ip", c.ClientIP()}
		if uid, ok := c.Get(ctxUserID); ok {
			attrs = append(attrs, "user_id", uid)
		}
		slog.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// httpMetrics counts requests and their latency per route template (not raw
// path, which would explode the label set).
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tremplin_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tremplin_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// securityHeaders sets the headers every response carries, before the
// router runs: gin answers some requests (a trailing-slash redirect) without
// running any middleware. The CSP allows no inline script; inline styles are
// allowed because charts and the map set element styles from JavaScript.
func securityHeaders(secure bool, next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		// gin prefixes its redirects with this header; Tremplin is served
		// from the root, so a client's value would only send users elsewhere.
		r.Header.Del("X-Forwarded-Prefix")
		next.ServeHTTP(w, r)
	})
}

// ioDeadlines bounds how long a client may take to send a body or read a
// response: seconds on ordinary routes; on streaming routes (uploads,
// downloads, exports) TREMPLIN_STREAM_TIMEOUT, long enough for a large file
// on a slow line, yet finite, so a client that stops cannot hold a
// connection and a goroutine for ever.
func ioDeadlines(r Route) gin.HandlerFunc {
	return func(c *gin.Context) {
		read, write := 30*time.Second, 60*time.Second
		if r.Streaming {
			read = c.GetDuration(ctxStreamTimeout)
			if read <= 0 {
				read = 30 * time.Minute
			}
			write = read
		}
		rc := http.NewResponseController(c.Writer)
		_ = rc.SetReadDeadline(time.Now().Add(read))
		_ = rc.SetWriteDeadline(time.Now().Add(write))
	}
}
