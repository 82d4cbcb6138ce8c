// Command transitions measures the throughput of workflow transitions (guard
// evaluation + conditional update + history + audit + outbox, one
// transaction each) with 32 concurrent workers on distinct applications, and
// compares it with a bare single-row "UPDATE … WHERE version = $n"
// transaction through pgx in the same run. Usage:
//
//	go run ./cmd/bench/transitions -engine postgres -admin-url postgres://postgres@127.0.0.1:5432/postgres
//	go run ./cmd/bench/transitions -engine sqlite
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/authz"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server"
)

func main() {
	engine := flag.String("engine", "postgres", "postgres or sqlite")
	adminURL := flag.String("admin-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server to create the bench database on")
	workers := flag.Int("workers", 32, "concurrent workers")
	perWorker := flag.Int("n", 150, "transitions per worker")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the workflow phase")
	traceOne := flag.Bool("trace-one", false, "print the SQL of one transition and exit")
	transition := flag.String("transition", "resubmit", "resubmit (3 guards, an e-mail and a notification, a frozen version) or instruct (no guard, no effect)")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "tremplin-bench-")
	check(err)
	defer os.RemoveAll(dir)
	env := map[string]string{"TREMPLIN_DATA_DIR": dir, "TREMPLIN_DEMO": "true", "TREMPLIN_EMBEDDED": "redis,s3,mail"}
	var dropDB func()
	if *engine == "postgres" {
		name := fmt.Sprintf("tremplin_bench_%d", time.Now().UnixNano())
		admin, err := sql.Open("pgx", *adminURL)
		check(err)
		_, err = admin.Exec("CREATE DATABASE " + name)
		check(err)
		dropDB = func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); admin.Close() }
		defer dropDB()
		env["DATABASE_URL"] = replaceDB(*adminURL, name)
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	check(err)
	m, err := server.Open(ctx, cfg, nil)
	check(err)
	defer m.Close()
	_, err = m.SeedDemo(ctx)
	check(err)

	total := *workers * *perWorker
	callID := benchCall(ctx, m)
	state := "correction_requested"
	if *transition == "instruct" {
		state = "submitted"
	}
	ids := benchApplications(ctx, m, callID, total, state)
	actor := actorOf(ctx, m, "porteur@demo.tremplin.fr")
	if *transition == "instruct" {
		actor = actorOf(ctx, m, "cheffe.projet@demo.tremplin.fr")
	}

	if *traceOne {
		m.DB.AddQueryHook(&printHook{})
		_, err := m.App.Flow.Fire(ctx, actor, "applications", ids[0], *transition, app.TransitionInput{})
		check(err)
		return
	}
	// Workflow transitions: resubmit (3 guards, 1 notify effect → outbox rows).
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	lat := run(*workers, *perWorker, func(w, i int) error {
		_, err := m.App.Flow.Fire(ctx, actor, "applications", ids[w**perWorker+i], *transition, app.TransitionInput{})
		return err
	})
	wfRate := float64(total) / lat.elapsed.Seconds()
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}

	// Bare baseline: the same number of single-row conditional updates, each its own transaction.
	bare := run(*workers, *perWorker, func(w, i int) error {
		id := ids[w**perWorker+i]
		return m.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE applications SET version = version + 1 WHERE id = ? AND version = ?", id, 2)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("bare update: %d rows", n)
			}
			return nil
		})
	})
	bareRate := float64(total) / bare.elapsed.Seconds()
	fmt.Printf("engine=%s workers=%d transitions=%d (%s)\n", *engine, *workers, total, *transition)
	fmt.Printf("  workflow transition (guards+update+history+audit+outbox): %8.0f tx/s  p50 %6.2f ms  p99 %6.2f ms\n", wfRate, lat.p(50), lat.p(99))
	fmt.Printf("  bare conditional UPDATE transaction:                      %8.0f tx/s  p50 %6.2f ms  p99 %6.2f ms\n", bareRate, bare.p(50), bare.p(99))
	fmt.Printf("  ratio workflow/bare: %.2f (goal >= 0.40 on PostgreSQL)\n", wfRate/bareRate)
}

type result struct {
	elapsed time.Duration
	lat     []time.Duration
}

func (r result) p(q int) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	i := len(r.lat) * q / 100
	if i >= len(r.lat) {
		i = len(r.lat) - 1
	}
	return float64(r.lat[i].Microseconds()) / 1000
}

func run(workers, per int, fn func(w, i int) error) result {
	var mu sync.Mutex
	var lats []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, per)
			for i := 0; i < per; i++ {
				t := time.Now()
				if err := fn(w, i); err != nil {
					log.Fatalf("worker %d: %v", w, err)
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	return result{elapsed: el, lat: lats}
}

// benchCall is a published call whose form asks nothing, with the three
// mandatory document slots, so the guards run but pass.
func benchCall(ctx context.Context, m *server.Main) int64 {
	now := m.DB.Clock()
	closes := now.Add(90 * 24 * time.Hour)
	c := &domain.Call{Title: "Banc d'essai", Summary: "Banc d'essai", State: "published", WorkflowVersion: 1,
		EnvelopeCents: domain.Euros(10_000_000), MaxAmountCents: domain.Euros(30_000), ClosesAt: &closes,
		Settings: domain.CallSettings{Documents: []domain.DocumentSlot{
			{Key: "statuts", Label: "Statuts", Types: []string{"pdf"}, MaxBytes: 1 << 20, Mandatory: true},
			{Key: "rib", Label: "RIB", Types: []string{"pdf"}, MaxBytes: 1 << 20, Mandatory: true},
			{Key: "budget", Label: "Budget", Types: []string{"pdf"}, MaxBytes: 1 << 20, Mandatory: true}}},
		CreatedAt: now, UpdatedAt: now, Version: 1}
	check(m.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error { return m.DB.InsertCall(ctx, tx, c) }))
	return c.ID
}

func benchApplications(ctx context.Context, m *server.Main, callID int64, n int, state string) []int64 {
	now := m.DB.Clock()
	budget := domain.Budget{Lines: []domain.BudgetLine{
		{Account: "64", Label: "Salaires", Amount: domain.Euros(20_000)},
		{Account: "74", Label: "Subvention départementale", Amount: domain.Euros(15_000), Funder: domain.FunderDepartement},
		{Account: "74", Label: "CAF", Amount: domain.Euros(5_000), Funder: "caf"},
	}}
	ids := make([]int64, 0, n)
	check(m.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < n; i++ {
			ap := &domain.Application{Reference: fmt.Sprintf("BENCH-%06d", i), CallID: callID, OrgID: 1, Title: "Banc",
				State: state, WorkflowVersion: 1, Answers: map[string]any{}, Budget: budget,
				RequestedCents: domain.Euros(15_000), CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := m.DB.InsertApplication(ctx, tx, ap); err != nil {
				return err
			}
			for _, slot := range []string{"statuts", "rib", "budget"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO documents (application_id, slot, filename, content_type, size_bytes, sha256, object_key, created_at)
					VALUES (?, ?, ?, 'application/pdf', 10, 'x', ?, ?)`, ap.ID, slot, slot+".pdf", fmt.Sprintf("bench/%d/%s", ap.ID, slot), now); err != nil {
					return err
				}
			}
			ids = append(ids, ap.ID)
		}
		return nil
	}))
	return ids
}

func actorOf(ctx context.Context, m *server.Main, email string) *app.Actor {
	u, err := m.DB.UserByEmail(ctx, m.DB.DB, email)
	check(err)
	g, err := m.DB.GrantsOf(ctx, m.DB.DB, u.ID)
	check(err)
	return &app.Actor{User: u, Subject: authz.Subject{UserID: u.ID, Grants: g}}
}

func replaceDB(url, name string) string {
	for i := len(url) - 1; i >= 0; i-- {
		if url[i] == '/' {
			rest := ""
			for j := i + 1; j < len(url); j++ {
				if url[j] == '?' {
					rest = url[j:]
					break
				}
			}
			return url[:i+1] + name + rest
		}
	}
	return url
}

// printHook prints each statement (to count round trips with -trace-one).
type printHook struct{ n int }

func (h *printHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (h *printHook) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	h.n++
	q := e.Query
	if len(q) > 160 {
		q = q[:160] + "…"
	}
	fmt.Printf("%2d %6.2f ms  %s\n", h.n, float64(time.Since(e.StartTime).Microseconds())/1000, q)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
