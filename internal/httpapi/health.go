package httpapi

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz says the process is up; it checks nothing else so an orchestrator
// does not restart a healthy process because a backend is down.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz says whether this replica can serve: 200 when what requests need
// answers (the database, the document store), 503 otherwise. The queue is
// reported ("degraded") but does not fail readiness: writes keep going to the
// outbox, which the relay hands over once Redis is back. A load balancer
// that dropped every replica for a Redis outage would stop a fleet that works.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	required := pingAll(ctx, s.deps.Ready)
	optional := pingAll(ctx, s.deps.Reported)
	checks := map[string]string{}
	var failed, degraded []string
	for name, err := range required {
		checks[name] = checkWord(err)
		if err != nil {
			failed = append(failed, name)
		}
	}
	for name, err := range optional {
		checks[name] = checkWord(err)
		if err != nil {
			degraded = append(degraded, name)
		}
	}
	sort.Strings(failed)
	sort.Strings(degraded)
	c.Header("Cache-Control", "no-store")
	if len(failed) > 0 {
		c.Header("Content-Type", "application/problem+json")
		c.Header("Retry-After", retryAfter)
		c.JSON(http.StatusServiceUnavailable, gin.H{
			"type": "/problems/not_ready", "title": "Service indisponible", "status": http.StatusServiceUnavailable,
			"code": "not_ready", "detail": "Certains services nécessaires ne répondent pas.", "failed": failed, "checks": checks,
		})
		return
	}
	if len(degraded) > 0 {
		c.JSON(http.StatusOK, gin.H{"status": "degraded", "checks": checks, "degraded": degraded,
			"detail": "Le service répond ; les tâches de fond (e-mails, rappels) attendent le retour de la file."})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}

// pingAll pings every backend concurrently.
func pingAll(ctx context.Context, backends map[string]Pinger) map[string]error {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = make(map[string]error, len(backends))
	)
	for name, p := range backends {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.Ping(ctx)
			mu.Lock()
			out[name] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

func checkWord(err error) string {
	if err != nil {
		return "indisponible"
	}
	return "ok"
}
