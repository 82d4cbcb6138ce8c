// Package server assembles a Tremplin process from its configuration: the
// database, the queue, the document store, the mailer, the HTTP server, the
// worker and the outbox relay — embedded stand-ins for whichever backend is
// not configured. cmd/tremplin and the end-to-end tests both use Main.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/calls"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/embedded"
	"github.com/tremplin/tremplin/internal/httpapi"
	"github.com/tremplin/tremplin/internal/jobs"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/notify"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/policies"
)

// Main is one Tremplin process.
type Main struct {
	Config   *config.Config
	Frontend fs.FS

	DB     *store.DB
	Queue  *jobs.Queue
	Blobs  *blob.Store
	Mailer notify.Mailer
	App    *app.App
	Calls  *calls.Service
	Audit  *audit.Service
	Relay  *jobs.Relay
	Worker *jobs.Worker
	HTTP   *httpapi.Server
	// Logger receives the report of a stop (what its deadline cut); slog's default when nil.
	Logger *slog.Logger

	embeddedRedis   *embedded.Redis
	embeddedS3      *embedded.S3
	httpServer      *http.Server
	listener        net.Listener
	metricsServer   *http.Server
	metricsListener net.Listener
	cancel          context.CancelFunc
	relayDone       chan struct{}
}

// Open connects every backend (starting embedded ones as needed) and applies
// pending migrations. It fails with a message naming the backend at fault.
func Open(ctx context.Context, cfg *config.Config, frontend fs.FS) (*Main, error) {
	m := &Main{Config: cfg, Frontend: frontend}
	if err := m.open(ctx); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Main) open(ctx context.Context) error {
	cfg := m.Config
	var err error
	t0 := time.Now()
	phase := func(name string) { slog.Debug("startup", "phase", name, "ms", time.Since(t0).Milliseconds()) }
	defer phase("backends ready")
	m.DB, err = store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if _, err := m.DB.Migrate(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}

	phase("database migrated")
	redisURL := cfg.RedisURL
	if redisURL == "" {
		if m.embeddedRedis, err = embedded.StartRedis(); err != nil {
			return err
		}
		redisURL = m.embeddedRedis.URL()
	}
	if m.Queue, err = jobs.OpenQueue(ctx, redisURL); err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}

	phase("redis connected")
	bo := blob.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, UseTLS: cfg.S3UseTLS}
	if cfg.S3Endpoint == "" {
		if m.embeddedS3, err = embedded.StartS3(filepath.Join(cfg.DataDir, "s3")); err != nil {
			return err
		}
		bo = blob.Options{Endpoint: m.embeddedS3.Endpoint(), AccessKey: m.embeddedS3.AccessKey,
			SecretKey: m.embeddedS3.SecretKey, Bucket: cfg.S3Bucket}
	}
	if m.Blobs, err = blob.Open(ctx, bo); err != nil {
		return fmt.Errorf("S3_ENDPOINT: %w", err)
	}

	if cfg.SMTPURL != "" {
		m.Mailer, err = notify.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
	} else {
		m.Mailer, err = notify.NewFileMailer(filepath.Join(cfg.DataDir, "mail"), cfg.MailFrom)
	}
	if err != nil {
		return err
	}

	policy, err := authz.Load(policies.FS)
	if err != nil {
		return err
	}
	m.Relay = jobs.NewRelay(m.DB, m.Queue)
	return m.wire(ctx, kernel.New(cfg, m.DB, policy, m.Relay))
}

// SeedDemo loads the demo data into an empty database.
func (m *Main) SeedDemo(ctx context.Context) (bool, error) {
	s, err := demo.Seed(ctx, m.App)
	return s != nil, err
}

// SeedDemoAsOf loads the demo data as it would be on day (a calendar day in
// Europe/Paris): while seeding, the clock starts that morning (demo.Morning)
// and runs, then reads real time again. Today or a zero day seed on the real
// clock. It returns nil when the database already has users. Call it before
// StartWorker and StartRelay: their goroutines read the clock.
func (m *Main) SeedDemoAsOf(ctx context.Context, day time.Time) (*demo.Seeded, error) {
	if !day.IsZero() && day.Format(time.DateOnly) != demo.CalendarAt(m.App.Now()).Today {
		realClock := m.DB.Now
		start, t0 := demo.Morning(day), time.Now()
		m.DB.Now = func() time.Time { return start.Add(time.Since(t0)) }
		defer func() { m.DB.Now = realClock }()
	}
	return demo.Seed(ctx, m.App)
}

// StartWorker starts processing background tasks.
func (m *Main) StartWorker() error {
	m.Worker = jobs.NewWorker(m.Queue, max(4, runtime.NumCPU()*2), workerGrace(m.Config.ShutdownTimeout))
	m.Worker.Handle(jobs.TypeSendMail, jobs.HandleSendMailOnce(m.DB, m.Mailer))
	m.Worker.Handle(calls.TaskCloseCall, jobs.HandleJSON(m.Calls.RunCallClosing))
	m.Worker.Handle(jobs.TypeSweepDocuments, jobs.HandleSweepDocuments(m.App, m.Blobs))
	m.Worker.Handle(jobs.TypeDeliverReminder, jobs.HandleDeliverReminder(m.App, m.Mailer))
	return m.Worker.Start()
}

// StartRelay starts the outbox relay (and audit sealing) in the background.
func (m *Main) StartRelay() {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.relayDone = make(chan struct{})
	go func() {
		defer close(m.relayDone)
		m.Relay.Run(ctx)
	}()
	// Orphan document objects are swept hourly (one task per hour whichever node plans it).
	go jobs.PlanDocumentSweeps(ctx, m.Queue, jobs.SweepDocumentsEvery, time.Now)
	// Reminders: swept from the database at start and every minute (one replica at a time).
	go jobs.RunReminderSweep(ctx, m.App, jobs.SweepEvery)
}

// Close releases every backend without draining.
func (m *Main) Close() {
	if m.Queue != nil {
		_ = m.Queue.Close()
	}
	if m.DB != nil {
		_ = m.DB.Close()
	}
	if m.embeddedS3 != nil {
		_ = m.embeddedS3.Close()
	}
	if m.embeddedRedis != nil {
		m.embeddedRedis.Close()
	}
}

// Ping makes *store.DB a readiness check.
var _ httpapi.Pinger = (*store.DB)(nil)

// EmbeddedRedis is the in-process Redis, nil when REDIS_URL is set (outage tests).
func (m *Main) EmbeddedRedis() *embedded.Redis { return m.embeddedRedis }

// EmbeddedS3 is the in-process S3, nil when S3_ENDPOINT is set (outage tests).
func (m *Main) EmbeddedS3() *embedded.S3 { return m.embeddedS3 }
