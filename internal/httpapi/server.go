// Package httpapi is Tremplin's HTTP layer: a gin router with one file per
// resource. Handlers decode, call the app's use case, and encode; errors go
// through fail(), the one place that maps them to problem+json.
package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
)

// Pinger is a backend /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the HTTP layer needs from the rest of the process.
type Deps struct {
	Config   *config.Config
	App      *app.App
	Calls    *calls.Service
	Audit    *audit.Service
	Ready    map[string]Pinger // what serving needs ("database", "s3"): /readyz fails without it
	Reported map[string]Pinger // checked and shown by /readyz without failing it ("redis")
	Frontend fs.FS             // the built front end (frontend/dist); nil serves none
	Metrics  *prometheus.Registry
}

// ctxStreamTimeout carries TREMPLIN_STREAM_TIMEOUT to ioDeadlines.
const ctxStreamTimeout = "tremplin.stream_timeout"

// Server is the router and its route table.
type Server struct {
	deps     Deps
	app      *app.App
	calls    *calls.Service
	audit    *audit.Service
	engine   *gin.Engine
	routes   []Route
	origin   string // of TREMPLIN_BASE_URL: where browser writes must come from
	inflight inflight
}

// New builds the router with every route registered.
func New(d Deps) *Server {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// gin recycles a *gin.Context once its handler returns; with the fallback
	// on, a goroutine a query left behind (database/sql watches ctx.Done())
	// would read a recycled request. Handlers pass c.Request.Context().
	e.ContextWithFallback = false
	// The client address keys login throttling and the audit trail, so a
	// forwarded header is believed only from the proxies named in
	// TREMPLIN_TRUSTED_PROXIES; with none, the socket address is the client.
	// X-Real-IP is not read: a proxy that sets only X-Forwarded-For would let
	// a client's own X-Real-IP through.
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	var proxies []string
	if len(d.Config.TrustedProxies) > 0 {
		proxies = d.Config.TrustedProxies
	}
	if err := e.SetTrustedProxies(proxies); err != nil {
		panic(err) // config.Load validated the list
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	s := &Server{deps: d, app: d.App, calls: d.Calls, audit: d.Audit, engine: e, origin: d.Config.Origin(), inflight: inflight{reqs: map[uint64]InFlight{}}}
	m := newHTTPMetrics(d.Metrics)
	streamTimeout := d.Config.StreamTimeout
	e.Use(func(c *gin.Context) { c.Set(ctxStreamTimeout, streamTimeout) }) // read by ioDeadlines on streaming routes
	e.Use(requestIDs(), s.inflight.middleware(), recovery(), accessLog(), m.middleware(), s.identify())
	e.NoRoute(s.noRoute)
	e.NoMethod(func(c *gin.Context) {
		writeProblem(c, http.StatusMethodNotAllowed, &domain.Error{Code: domain.CodeInvalid, Reason: "method_not_allowed",
			Message: "Cette méthode HTTP n'est pas acceptée à cette adresse."})
	})

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	// Metrics are served on a listener of their own (TREMPLIN_METRICS_ADDR),
	// never here: this path must not fall through to the front end either.
	e.GET("/metrics", func(c *gin.Context) {
		writeProblem(c, http.StatusNotFound, &domain.Error{Code: domain.CodeNotFound, Reason: "no_route",
			Message: "Aucune ressource à cette adresse."})
	})
	e.GET("/api/openapi.json", s.openapi)

	s.registerSession()
	s.registerReference()
	s.registerCalls()
	s.registerCallsManage()
	s.registerApplications()
	s.registerDocuments()
	s.registerInstruction()
	s.registerMessages()
	s.registerNotes()
	s.registerAccounts()
	s.registerTOTP()
	s.registerTokens()
	s.registerOrganisations()
	s.registerStaff()
	s.registerAudit()
	s.registerPrivacy()
	s.registerReviews()
	s.registerRankings()
	s.registerCommittee()
	s.registerDecisions()
	s.registerOpenData()
	s.registerExperiments()
	s.registerTransitions()
	return s
}

// Handler is the http.Handler to serve: the router behind the security
// headers, set before gin runs so that its own answers (trailing-slash
// redirects) carry them too.
func (s *Server) Handler() http.Handler { return securityHeaders(s.deps.Config.Secure(), s.engine) }

func jsonEncode(w http.ResponseWriter, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ok writes a JSON success body.
func ok(c *gin.Context, status int, v any) {
	c.Header("Cache-Control", "no-store")
	c.JSON(status, v)
}

// Engine exposes gin's route table to tests that compare it with declarations.
func (s *Server) Engine() *gin.Engine { return s.engine }

// OpenAPIPath converts a gin path to OpenAPI syntax (exported for tests).
func OpenAPIPath(p string) string { return openAPIPath(p) }
