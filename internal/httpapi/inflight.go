package httpapi

import (
	"sort"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// InFlight is a request being served. A stop whose deadline passes reports
// each one it cuts, so an abandoned upload leaves a line in the log.
type InFlight struct {
	Method    string
	Route     string
	Path      string
	RequestID string
	Started   time.Time
}

// inflight tracks the requests being served.
type inflight struct {
	mu   sync.Mutex
	next uint64
	reqs map[uint64]InFlight
}

func (f *inflight) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		r := InFlight{Method: c.Request.Method, Route: route, Path: c.Request.URL.Path, RequestID: requestID(c), Started: time.Now()}
		f.mu.Lock()
		id := f.next
		f.next++
		f.reqs[id] = r
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			delete(f.reqs, id)
			f.mu.Unlock()
		}()
		c.Next()
	}
}

// InFlight lists the requests being served now, oldest first.
func (s *Server) InFlight() []InFlight {
	s.inflight.mu.Lock()
	out := make([]InFlight, 0, len(s.inflight.reqs))
	for _, r := range s.inflight.reqs {
		out = append(out, r)
	}
	s.inflight.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}
