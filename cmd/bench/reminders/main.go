// Command reminders measures the reminder sweep and enqueueing.
//
//  1. Sweep cost with 1,000 due items among 10,000 and among 100,000 items
//     in total: each kind is a range scan of an indexed due date over the
//     sweep's window, so the cost follows what is due, not what exists
//     (goal: ratio ≤ 1.5). Both the first sweep (which plans the 1,000
//     e-mails) and a steady-state sweep (nothing new) are timed.
//  2. Enqueue rate of reminder deliveries (asynq, deterministic task IDs)
//     against a bare Redis LPUSH loop in the same run (goal: ≥ 0.3).
//
// Usage:
//
//	go run ./cmd/bench/reminders [-engine postgres|sqlite] [-admin-url URL] [-redis URL]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/embedded"
	"github.com/tremplin/tremplin/internal/server"
)

func main() {
	engine := flag.String("engine", "postgres", "postgres or sqlite")
	adminURL := flag.String("admin-url", envOr("BENCH_ADMIN_URL", envOr("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")),
		"PostgreSQL server to create the bench databases on")
	redisURL := flag.String("redis", envOr("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"), "Redis for the enqueue benchmark (an embedded one if unreachable)")
	due := flag.Int("due", 1000, "items due")
	totals := flag.String("totals", "10000,100000", "total items, comma-separated")
	n := flag.Int("n", 5000, "tasks to enqueue")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	ctx := context.Background()

	rURL := *redisURL
	if c := redis.NewClient(redisOpts(rURL)); c.Ping(ctx).Err() != nil {
		r, err := embedded.StartRedis()
		check(err)
		defer r.Close()
		rURL = r.URL()
		fmt.Println("(Redis unreachable: embedded Redis used)")
	} else {
		_ = c.Close()
	}

	var first, steady []time.Duration
	var sizes []int
	for _, s := range strings.Split(*totals, ",") {
		var total int
		_, err := fmt.Sscan(s, &total)
		check(err)
		f, st := sweepCost(ctx, *engine, *adminURL, rURL, total, *due)
		sizes = append(sizes, total)
		first, steady = append(first, f), append(steady, st)
		fmt.Printf("sweep, %s, %d due among %7d: first sweep %8.1f ms (plans %d e-mails), steady sweep %7.1f ms\n",
			*engine, *due, total, ms(f), *due, ms(st))
	}
	if len(sizes) >= 2 {
		last := len(sizes) - 1
		fmt.Printf("ratio %d/%d: first sweep %.2f, steady sweep %.2f (goal ≤ 1.5)\n", sizes[last], sizes[0],
			float64(first[last])/float64(first[0]), float64(steady[last])/float64(steady[0]))
	}
	enqueueRate(ctx, *engine, *adminURL, rURL, *n)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func redisOpts(u string) *redis.Options {
	o, err := redis.ParseURL(u)
	check(err)
	return o
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// open starts a Tremplin process on a fresh database.
func open(ctx context.Context, engine, adminURL, redisURL string) (*server.Main, func()) {
	dir, err := os.MkdirTemp("", "tremplin-bench-reminders-")
	check(err)
	env := map[string]string{"TREMPLIN_DATA_DIR": dir, "TREMPLIN_DEMO": "false", "REDIS_URL": redisURL, "TREMPLIN_EMBEDDED": "s3,mail"}
	cleanup := func() { _ = os.RemoveAll(dir) }
	if engine == "postgres" {
		name := fmt.Sprintf("tremplin_bench_rem_%d", time.Now().UnixNano())
		admin, err := sql.Open("pgx", adminURL)
		check(err)
		_, err = admin.Exec("CREATE DATABASE " + name)
		check(err)
		u, err := url.Parse(adminURL)
		check(err)
		u.Path = "/" + name
		env["DATABASE_URL"] = u.String()
		prev := cleanup
		cleanup = func() {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			_ = admin.Close()
			prev()
		}
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	check(err)
	m, err := server.Open(ctx, cfg, nil)
	check(err)
	return m, func() { m.Close(); cleanup() }
}

// sweepCost fills total reports of live experiments, due of which fall in
// the J-30 window, and times the sweep.
func sweepCost(ctx context.Context, engine, adminURL, redisURL string, total, due int) (time.Duration, time.Duration) {
	m, done := open(ctx, engine, adminURL, redisURL)
	defer done()
	db := m.DB
	now := db.Clock()
	exec := func(q string, args ...any) {
		_, err := db.ExecContext(ctx, db.NewRaw(q, args...).String())
		check(err)
	}
	exec(`INSERT INTO users (email, name, kind, created_at, updated_at) VALUES ('porteur@bench.test', 'Porteur', 'applicant', ?, ?)`, now, now)
	exec(`INSERT INTO organisations (legal_name, rna, created_at, updated_at) VALUES ('Association du banc', 'W930000001', ?, ?)`, now, now)
	exec(`INSERT INTO grants (user_id, role, domain, created_at) SELECT u.id, 'org_admin', 'org:' || o.id, ? FROM users u, organisations o`, now)
	exec(`INSERT INTO calls (title, state, created_at, updated_at) VALUES ('Appel du banc', 'closed', ?, ?)`, now, now)
	series := fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", total)
	exec(series+`INSERT INTO applications (reference, call_id, org_id, title, state, created_at, updated_at)
		SELECT 'B-' || i, (SELECT id FROM calls), (SELECT id FROM organisations), 'Projet ' || i, 'accepted', ?, ? FROM s`, now, now)
	exec(`INSERT INTO experiments (application_id, call_id, org_id, title, state, starts_on, ends_on, granted_cents, decided_at, created_at, updated_at)
		SELECT id, call_id, org_id, title, 'running', ?, ?, 1000000, ?, ?, ? FROM applications`, now.AddDate(0, -6, 0), now.AddDate(1, 0, 0), now, now, now)
	exec(`INSERT INTO experiment_reports (experiment_id, kind, due_at, state) SELECT id, 'interim', ?, 'pending' FROM experiments`, now.AddDate(2, 0, 0))
	exec(`UPDATE experiment_reports SET due_at = ? WHERE id IN (SELECT id FROM experiment_reports ORDER BY id LIMIT ?)`,
		now.Add(30*24*time.Hour-time.Hour), due)
	if engine == "postgres" {
		exec("ANALYZE")
	} else {
		exec("ANALYZE")
	}
	t0 := time.Now()
	st, err := m.App.SweepReminders(ctx, "")
	check(err)
	first := time.Since(t0)
	if st.Planned != due {
		log.Fatalf("planned %d e-mails, want %d", st.Planned, due)
	}
	exec(`UPDATE mail_log SET state = 'sent'`)
	var runs []time.Duration
	for i := 0; i < 7; i++ {
		t0 := time.Now()
		_, err := m.App.SweepReminders(ctx, "")
		check(err)
		runs = append(runs, time.Since(t0))
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i] < runs[j] })
	// Clear the queue for the next round.
	_ = m.Queue.Redis().FlushDB(ctx).Err()
	return first, runs[len(runs)/2]
}

// enqueueRate compares reminder enqueues with a bare LPUSH loop.
func enqueueRate(ctx context.Context, engine, adminURL, redisURL string, n int) {
	m, done := open(ctx, engine, adminURL, redisURL)
	defer done()
	rdb := m.Queue.Redis()
	_ = rdb.FlushDB(ctx).Err()
	defer rdb.FlushDB(ctx)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		check(m.Queue.EnqueueReminder(ctx, fmt.Sprintf("reminder:report_due:report:%d:porteur@bench.test:J-30", i), int64(i)))
	}
	seq := time.Since(t0)
	tasks := make([]app.ReminderEnqueue, n)
	for i := range tasks {
		tasks[i] = app.ReminderEnqueue{TaskID: fmt.Sprintf("reminder:report_due:report:%d:porteur@bench.test:J-7", i), LogID: int64(i)}
	}
	t0 = time.Now()
	k, err := m.Queue.EnqueueReminders(ctx, tasks)
	check(err)
	if k != n {
		log.Fatalf("enqueued %d of %d", k, n)
	}
	rem := time.Since(t0)
	t0 = time.Now()
	for i := 0; i < n; i++ {
		check(rdb.LPush(ctx, "bench:lpush", fmt.Sprintf(`{"id":%d}`, i)).Err())
	}
	bare := time.Since(t0)
	fmt.Printf("enqueue: %d reminder tasks one by one %.0f/s (ratio %.2f to LPUSH)\n", n, float64(n)/seq.Seconds(), bare.Seconds()/seq.Seconds())
	remRate, bareRate := float64(n)/rem.Seconds(), float64(n)/bare.Seconds()
	fmt.Printf("enqueue: %d reminder tasks as the sweep enqueues them %.0f/s, bare LPUSH loop %.0f/s, ratio %.2f (goal ≥ 0.3)\n",
		n, remRate, bareRate, remRate/bareRate)
}
