package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz says the process is up; it checks nothing else so an orchestrator
// does not restart a healthy process because a backend is down.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz checks every backend concurrently and names the ones that fail.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		checks = map[string]string{}
		failed []string
	)
	for name, p := range s.deps.Ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.Ping(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				checks[name] = "indisponible"
				failed = append(failed, name)
			} else {
				checks[name] = "ok"
			}
		}()
	}
	wg.Wait()
	c.Header("Cache-Control", "no-store")
	if len(failed) > 0 {
		c.Header("Content-Type", "application/problem+json")
		c.JSON(http.StatusServiceUnavailable, gin.H{
			"type": "/problems/not_ready", "title": "Service indisponible", "status": http.StatusServiceUnavailable,
			"code": "not_ready", "detail": "Certains services ne répondent pas.", "failed": failed, "checks": checks,
		})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}

func (s *Server) metrics() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.deps.Metrics, promhttp.HandlerOpts{})
	return gin.WrapH(h)
}
