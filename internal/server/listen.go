package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tremplin/tremplin/internal/httpapi"
)

// Listen binds the HTTP server, and the metrics one when configured (":0"
// picks a free port, as tests do).
func (m *Main) Listen() error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(m.DB.DB.DB, "tremplin"))
	m.registerQueueMetrics(reg)
	ready := map[string]httpapi.Pinger{"database": m.DB, "s3": m.Blobs}
	reported := map[string]httpapi.Pinger{"redis": m.Queue}
	registerBackendMetrics(reg, ready, reported)
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("TREMPLIN_ADDR: %w", err)
	}
	m.listener = ln
	if m.Config.BaseURL == "http://"+m.Config.Addr && strings.HasSuffix(m.Config.Addr, ":0") {
		// The base URL was derived from an address picking a free port
		// (tests): the site's origin is the port actually bound.
		m.Config.BaseURL = m.URL()
	}
	m.HTTP = httpapi.New(httpapi.Deps{Config: m.Config, App: m.App, Calls: m.Calls, Audit: m.Audit, Ready: ready, Reported: reported, Frontend: m.Frontend, Metrics: reg})
	if err := m.listenMetrics(reg); err != nil {
		_ = ln.Close()
		return err
	}
	m.httpServer = &http.Server{
		Handler:           m.HTTP.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Body read/write deadlines are set per route (uploads stream for minutes).
	}
	go func() {
		if err := m.httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// listenMetrics serves /metrics on TREMPLIN_METRICS_ADDR, apart from the
// public listener: the figures (routes, error rates, queue depth) are for
// the operators' scraper, not for anyone who can reach the site.
func (m *Main) listenMetrics(reg *prometheus.Registry) error {
	if m.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("TREMPLIN_METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Timeout: 10 * time.Second}))
	m.metricsListener = ln
	m.metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second}
	go func() {
		if err := m.metricsServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}

// MetricsURL is the URL of /metrics, empty when metrics are off.
func (m *Main) MetricsURL() string {
	if m.metricsListener == nil {
		return ""
	}
	return "http://" + m.metricsListener.Addr().String() + "/metrics"
}

// URL is the address the server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// registerBackendMetrics exports whether each backend answers a ping at
// scrape time (tremplin_backend_up{backend="redis"} 0 during a Redis outage,
// while /readyz stays 200).
func registerBackendMetrics(reg *prometheus.Registry, groups ...map[string]httpapi.Pinger) {
	for _, g := range groups {
		for name, p := range g {
			reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "tremplin_backend_up", Help: "1 when the backend answers a ping, 0 when it does not.",
				ConstLabels: prometheus.Labels{"backend": name},
			}, func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				if p.Ping(ctx) != nil {
					return 0
				}
				return 1
			}))
		}
	}
}

func (m *Main) registerQueueMetrics(reg *prometheus.Registry) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "tremplin_queue_depth", Help: "Tasks waiting in asynq (pending + scheduled + retry), all queues.",
	}, func() float64 {
		d, err := m.Queue.Depth()
		if err != nil {
			return -1
		}
		n := 0
		for _, v := range d {
			n += v
		}
		return float64(n)
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "tremplin_outbox_pending", Help: "Outbox rows not yet handed to the queue.",
	}, func() float64 {
		n, _, err := m.DB.OutboxLag(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "tremplin_outbox_lag_seconds", Help: "Age of the oldest outbox row not yet handed to the queue.",
	}, func() float64 {
		_, lag, err := m.DB.OutboxLag(context.Background())
		if err != nil {
			return -1
		}
		return lag.Seconds()
	}))
}
