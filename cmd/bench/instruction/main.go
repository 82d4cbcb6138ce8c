// Command instruction measures the project lead's instruction list on
// PostgreSQL with 100,000 applications (made by `tremplin seed-load`): the
// filtered, searched first page through the API (session cookie, routing,
// authorization, JSON) against the very SQL the API runs, sent through pgx
// directly, each with 32 concurrent clients in the same run. Usage:
//
//	go run ./cmd/bench/instruction [-n 100000] [-clients 32] [-duration 10s]
//
// The PostgreSQL server is BENCH_ADMIN_URL, else DATABASE_URL, else the
// local one; a throw-away database is created and dropped.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server"
	"github.com/tremplin/tremplin/internal/store"
)

func main() {
	n := flag.Int("n", 100_000, "applications to generate")
	clients := flag.Int("clients", 32, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "measuring time of each side")
	keep := flag.String("db", "", "reuse this database (already loaded) instead of a fresh one")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the API phase")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	defer runAtExit()

	adminURL := firstNonEmpty(os.Getenv("BENCH_ADMIN_URL"), os.Getenv("DATABASE_URL"), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	name := *keep
	if name == "" {
		name = fmt.Sprintf("tremplin_bench_instr_%d", time.Now().UnixNano())
		admin, err := sql.Open("pgx", adminURL)
		check(err)
		_, err = admin.Exec("CREATE DATABASE " + name)
		check(err)
		atExit(func() {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			_ = admin.Close()
		})
	}
	dbURL := withDB(adminURL, name)
	dir, err := os.MkdirTemp("", "tremplin-bench-instr-")
	check(err)
	atExit(func() { _ = os.RemoveAll(dir) })
	env := map[string]string{"TREMPLIN_DATA_DIR": dir, "TREMPLIN_DEMO": "true", "DATABASE_URL": dbURL, "TREMPLIN_ADDR": "127.0.0.1:0",
		"TREMPLIN_LOG_LEVEL": "warn", "TREMPLIN_EMBEDDED": "redis,s3,mail", "TREMPLIN_METRICS_ADDR": "off"}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	check(err)
	m, err := server.Open(ctx, cfg, nil)
	check(err)
	defer m.Close()
	if *keep == "" {
		_, err = m.SeedDemo(ctx)
		check(err)
		t0 := time.Now()
		seedLoad(dbURL, dir, *n)
		fmt.Printf("seed-load: %d applications in %s\n", *n, time.Since(t0).Round(time.Second))
		_, err = m.DB.ExecContext(ctx, "ANALYZE")
		check(err)
	}
	check(m.Listen())

	// The page a project lead asks for: one call, the states to instruct, a
	// word of the description, by relevance. Words rotate so no plan or
	// cache favours one query.
	var callID int64
	check(m.DB.NewSelect().TableExpr("calls").Column("id").Where("title LIKE 'Mobilité solidaire%'").Order("id").Limit(1).Scan(ctx, &callID))
	words := []string{"garage", "navette", "covoiturage", "scooters", "minibus", "trottinettes", "permis accompagné", "vélo-école"}
	states := []string{"submitted", "in_instruction", "correction_requested"}
	filters := make([]store.InstructionFilter, len(words))
	queries := make([]string, len(words))
	paths := make([]string, len(words))
	for i, w := range words {
		filters[i] = store.InstructionFilter{CallID: callID, States: states, Q: w, ByRank: true, Limit: 50}
		queries[i], err = m.DB.InstructionSQL(filters[i])
		check(err)
		v := url.Values{"call": {fmt.Sprint(callID)}, "state": states, "q": {w}, "limit": {"50"}}
		paths[i] = m.URL() + "/api/v1/instruction/applications?" + v.Encode()
	}
	var matches int
	check(m.DB.NewSelect().TableExpr("applications AS a").ColumnExpr("count(*)").Where("a.call_id = ? AND a.state IN (?)", callID, bun.In(states)).
		Where("a.search_vector @@ websearch_to_tsquery('french', tremplin_fold(?))", words[0]).Scan(ctx, &matches))
	fmt.Printf("query: call %d, states %v, q=%q…, by relevance, first 50 rows (%d rows match the first word)\n", callID, states, words[0], matches)

	pcfg, err := pgxpool.ParseConfig(dbURL)
	check(err)
	pcfg.MaxConns = int32(*clients)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	check(err)
	defer pool.Close()
	direct := func(i int) error {
		rows, err := pool.Query(ctx, queries[i%len(queries)])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if _, err := rows.Values(); err != nil {
				return err
			}
		}
		return rows.Err()
	}

	client := login(m.URL())
	api := func(i int) error {
		resp, err := client.Get(paths[i%len(paths)])
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("API answered %d", resp.StatusCode)
		}
		return nil
	}

	measure(*clients, 2*time.Second, direct) // warm-up: caches, connections
	measure(*clients, 2*time.Second, api)
	d := measure(*clients, *duration, direct)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	a := measure(*clients, *duration, api)
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	fmt.Printf("clients=%d applications=%d duration=%s\n", *clients, *n, *duration)
	fmt.Printf("  direct SQL through pgx: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n", d.rate(), d.p(50), d.p(99))
	fmt.Printf("  API (HTTP+auth+JSON):   %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms\n", a.rate(), a.p(50), a.p(99))
	fmt.Printf("  ratio API/direct: %.2f (goal >= 0.60); API p99 %.2f ms (goal <= 25 ms)\n", a.rate()/d.rate(), a.p(99))
}

// seedLoad runs `tremplin seed-load`: $TREMPLIN_BIN, else the built binary
// when there is one (make bench builds it first), else the command from source.
func seedLoad(dbURL, dir string, n int) {
	var cmd *exec.Cmd
	bin := firstNonEmpty(os.Getenv("TREMPLIN_BIN"), "bin/tremplin")
	if _, err := os.Stat(bin); err == nil {
		cmd = exec.Command(bin, "seed-load", fmt.Sprint(n))
	} else {
		cmd = exec.Command("go", "run", "./cmd/tremplin", "seed-load", fmt.Sprint(n))
	}
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "TREMPLIN_DATA_DIR="+dir, "TREMPLIN_LOG_LEVEL=warn",
		"TREMPLIN_EMBEDDED=redis,s3,mail")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	check(cmd.Run())
}

// login signs in as the demo project lead and returns a client keeping the session.
func login(base string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	body := fmt.Sprintf(`{"email":"cheffe.projet@demo.tremplin.fr","password":%q}`, demo.Password)
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/auth/login", strings.NewReader(body))
	check(err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base) // writes must come from the site, as a browser's do
	resp, err := c.Do(req)
	check(err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fatalf("login: %d", resp.StatusCode)
	}
	return c
}

type result struct {
	elapsed time.Duration
	lat     []time.Duration
}

func (r result) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r result) p(q int) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	i := min(len(r.lat)*q/100, len(r.lat)-1)
	return float64(r.lat[i].Microseconds()) / 1000
}

// measure runs fn from clients goroutines in a closed loop for d.
func measure(clients int, d time.Duration, fn func(i int) error) result {
	var mu sync.Mutex
	var all []time.Duration
	var seq atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				if err := fn(int(seq.Add(1))); err != nil {
					check(err)
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return result{elapsed: time.Since(start), lat: all}
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	check(err)
	u.Path = "/" + name
	return u.String()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// check stops the program on an error (on stderr: slog's default handler
// would route the log package below its warning level).
func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench instruction: "+format+"\n", args...)
	runAtExit()
	os.Exit(1)
}

// cleanups run at the end, and on a fatal error too (os.Exit skips defers):
// no database or directory is left behind.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func runAtExit() {
	cleanupMu.Lock()
	fs := cleanups
	cleanups = nil
	cleanupMu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
