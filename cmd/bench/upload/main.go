// Command upload measures a document upload through the API into MinIO (a
// `tremplin serve` process: session, checks, content sniffing, SHA-256,
// streaming into S3 in 16 MiB parts) against minio-go's PutObject of the same
// file straight to the same MinIO, in the same run, and the server's memory
// growth during the upload (VmRSS and VmHWM from /proc). Usage:
//
//	go run ./cmd/bench/upload [-size 1GiB-in-bytes] [-runs 2]
//
// MinIO is S3_ENDPOINT (with S3_ACCESS_KEY, S3_SECRET_KEY) when set, else the
// binary cached by .ci/run, started on a free port with a temporary directory.
// The server binary is $TREMPLIN_BIN, else bin/tremplin (make bench builds it).
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/tremplin/tremplin/internal/blob"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/server"
)

func main() {
	size := flag.Int64("size", 1<<30, "file size in bytes")
	runs := flag.Int("runs", 2, "uploads of each kind (the best is reported: the machine is shared)")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	work, err := os.MkdirTemp("", "tremplin-bench-upload-")
	check(err)
	defer os.RemoveAll(work)
	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	stop := func(err error) {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		fatalf("%v", err)
	}

	// MinIO.
	endpoint, access, secret := os.Getenv("S3_ENDPOINT"), os.Getenv("S3_ACCESS_KEY"), os.Getenv("S3_SECRET_KEY")
	if endpoint == "" {
		var kill func()
		endpoint, access, secret, kill, err = startMinIO(work)
		if err != nil {
			stop(err)
		}
		cleanups = append(cleanups, kill)
	}
	bucket := fmt.Sprintf("bench-upload-%d", time.Now().UnixNano())
	bs, err := blob.Open(ctx, blob.Options{Endpoint: endpoint, AccessKey: access, SecretKey: secret, Bucket: bucket})
	if err != nil {
		stop(err)
	}

	// The file: a PDF header then incompressible bytes.
	file := filepath.Join(work, "rapport.pdf")
	if err := writeFile(file, *size); err != nil {
		stop(err)
	}

	// A data directory with a call whose slot takes the whole file, and a draft of the demo applicant.
	dataDir := filepath.Join(work, "data")
	port, err := freePort()
	if err != nil {
		stop(err)
	}
	env := map[string]string{"TREMPLIN_DATA_DIR": dataDir, "TREMPLIN_DEMO": "true", "TREMPLIN_ADDR": fmt.Sprintf("127.0.0.1:%d", port),
		"S3_ENDPOINT": endpoint, "S3_ACCESS_KEY": access, "S3_SECRET_KEY": secret, "S3_BUCKET": bucket, "TREMPLIN_LOG_LEVEL": "warn",
		// The served process must read the SQLite file prepare seeded, whatever the caller's environment says.
		"DATABASE_URL": "", "TREMPLIN_METRICS_ADDR": "127.0.0.1:0",
		"TREMPLIN_MAX_UPLOAD_MB": strconv.FormatInt(*size>>20+64, 10)}
	appID, err := prepare(ctx, env)
	if err != nil {
		stop(err)
	}

	srv, err := startServer(work, env)
	if err != nil {
		stop(err)
	}
	cleanups = append(cleanups, func() { _ = srv.Process.Signal(syscall.SIGTERM); _ = srv.Wait() })
	base := "http://" + env["TREMPLIN_ADDR"]
	if err := waitReady(base); err != nil {
		stop(err)
	}
	client, err := login(base)
	if err != nil {
		stop(err)
	}

	var bestDirect, bestAPI float64
	var rssGrowth, hwmGrowth int64
	for i := 0; i < *runs; i++ {
		directMBps, err := direct(ctx, bs.Client(), bucket, file, *size)
		if err != nil {
			stop(err)
		}
		bestDirect = max(bestDirect, directMBps)
		settle(base, client)
		before := procStatus(srv.Process.Pid)
		var peak int64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					peak = max(peak, procStatus(srv.Process.Pid)["VmRSS"])
				}
			}
		}()
		mbps, err := viaAPI(client, base, appID, file, *size)
		close(done)
		wg.Wait()
		if err != nil {
			stop(err)
		}
		after := procStatus(srv.Process.Pid)
		bestAPI = max(bestAPI, mbps)
		rssGrowth = max(rssGrowth, max(peak, after["VmRSS"])-before["VmRSS"])
		hwmGrowth = max(hwmGrowth, after["VmHWM"]-before["VmHWM"])
		fmt.Printf("run %d: direct %.0f MiB/s, API %.0f MiB/s, server RSS %d → peak %d MiB (HWM %d → %d MiB)\n", i+1, directMBps, mbps,
			before["VmRSS"]>>10, max(peak, after["VmRSS"])>>10, before["VmHWM"]>>10, after["VmHWM"]>>10)
		// Objects of this run go: the next run starts from the same disk state.
		_ = bs.Client().RemoveObject(ctx, bucket, "bench/direct", minio.RemoveObjectOptions{})
		_ = bs.List(ctx, "applications/", func(o blob.Info) error { return bs.Delete(ctx, o.Key) })
	}
	fmt.Printf("file %d MiB, MinIO %s\n", *size>>20, endpoint)
	fmt.Printf("  minio-go PutObject straight to MinIO: %7.0f MiB/s\n", bestDirect)
	fmt.Printf("  through the API (POST, streamed):      %7.0f MiB/s\n", bestAPI)
	fmt.Printf("  ratio API/direct: %.2f (goal >= 0.70); server RSS growth during the upload: %d MiB (goal <= 64 MiB; VmHWM +%d MiB)\n",
		bestAPI/bestDirect, rssGrowth>>10, hwmGrowth>>10)
}

// prepare migrates and seeds the data directory, then adds a call with a
// slot as large as the file and a draft of the demo applicant on it.
func prepare(ctx context.Context, env map[string]string) (int64, error) {
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		return 0, err
	}
	m, err := server.Open(ctx, cfg, nil)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	if _, err := m.SeedDemo(ctx); err != nil {
		return 0, err
	}
	now := m.DB.Clock()
	closes := now.Add(30 * 24 * time.Hour)
	c := &domain.Call{Title: "Banc d'essai des documents", Summary: "Banc d'essai", State: "published", WorkflowVersion: 1,
		EnvelopeCents: domain.Euros(1_000_000), MaxAmountCents: domain.Euros(10_000), ClosesAt: &closes, CreatedAt: now, UpdatedAt: now, Version: 1,
		Settings: domain.CallSettings{Documents: []domain.DocumentSlot{{Key: "rapport", Label: "Rapport complet", Types: []string{"pdf"}}}}}
	if err := m.DB.InsertCall(ctx, m.DB.DB, c); err != nil {
		return 0, err
	}
	u, err := m.DB.UserByEmail(ctx, m.DB.DB, "porteur@demo.tremplin.fr")
	if err != nil {
		return 0, err
	}
	grants, err := m.DB.GrantsOf(ctx, m.DB.DB, u.ID)
	if err != nil {
		return 0, err
	}
	var orgID int64
	for _, g := range grants {
		if strings.HasPrefix(g.Domain, "org:") {
			orgID, _ = strconv.ParseInt(strings.TrimPrefix(g.Domain, "org:"), 10, 64)
		}
	}
	ap := &domain.Application{Reference: "BANC-UPLOAD-1", CallID: c.ID, OrgID: orgID, Title: "Banc d'essai", State: "draft",
		WorkflowVersion: 1, Answers: map[string]any{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	return ap.ID, m.DB.InsertApplication(ctx, m.DB.DB, ap)
}

func direct(ctx context.Context, c *minio.Client, bucket, file string, size int64) (float64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	if _, err := c.PutObject(ctx, bucket, "bench/direct", f, size, minio.PutObjectOptions{ContentType: "application/pdf", PartSize: blob.PartSize}); err != nil {
		return 0, err
	}
	return float64(size) / (1 << 20) / time.Since(start).Seconds(), nil
}

func viaAPI(c *http.Client, base string, appID int64, file string, size int64) (float64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/applications/%d/documents?slot=rapport&filename=rapport.pdf", base, appID), f)
	if err != nil {
		return 0, err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Origin", base)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("upload answered %d: %s", resp.StatusCode, body)
	}
	return float64(size) / (1 << 20) / time.Since(start).Seconds(), nil
}

// settle asks nothing of the server but lets it settle after the
// previous run before the baseline is read.
func settle(base string, c *http.Client) {
	time.Sleep(500 * time.Millisecond)
	if resp, err := c.Get(base + "/readyz"); err == nil {
		resp.Body.Close()
	}
}

var csrf string

func login(base string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := fmt.Sprintf(`{"email":"porteur@demo.tremplin.fr","password":%q}`, demo.Password)
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/auth/login", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base) // writes must come from the site, as a browser's do
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("login: %d %s", resp.StatusCode, b)
	}
	if i := strings.Index(string(b), `"csrf_token":"`); i >= 0 {
		rest := string(b[i+len(`"csrf_token":"`):])
		csrf = rest[:strings.IndexByte(rest, '"')]
	}
	return c, nil
}

// procStatus reads the memory lines of /proc/<pid>/status, in KiB.
func procStatus(pid int) map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.HasPrefix(k, "Vm") {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			out[k] = n
		}
	}
	return out
}

func writeFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	header := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	if _, err := w.Write(header); err != nil {
		return err
	}
	block := make([]byte, 4<<20)
	_, _ = rand.Read(block)
	for left := size - int64(len(header)); left > 0; {
		n := min(left, int64(len(block)))
		if _, err := w.Write(block[:n]); err != nil {
			return err
		}
		left -= n
		block[0]++ // no two blocks alike
	}
	return w.Flush()
}

func startServer(work string, env map[string]string) (*exec.Cmd, error) {
	bin := os.Getenv("TREMPLIN_BIN")
	if bin == "" {
		bin = "bin/tremplin"
	}
	if _, err := os.Stat(bin); err != nil {
		bin = filepath.Join(work, "tremplin")
		build := exec.Command("go", "build", "-o", bin, "./cmd/tremplin")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build tremplin: %w", err)
		}
	}
	logf, err := os.Create(filepath.Join(work, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	return cmd, cmd.Start()
}

func waitReady(base string) error {
	for i := 0; i < 240; i++ {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("server not ready at %s", base)
}

// startMinIO runs the MinIO binary cached by .ci/run on a free port.
func startMinIO(work string) (endpoint, access, secret string, kill func(), err error) {
	home, _ := os.UserHomeDir()
	cache := os.Getenv("TREMPLIN_CI_CACHE")
	if cache == "" {
		cache = filepath.Join(home, ".cache", "tremplin-ci")
	}
	bin := os.Getenv("MINIO_BIN")
	if bin == "" {
		bin = filepath.Join(cache, "bin", "minio")
		if _, err := os.Stat(bin); err != nil {
			if m, _ := filepath.Glob(filepath.Join(cache, "minio-*")); len(m) > 0 {
				bin = m[0]
			}
		}
	}
	if _, err := os.Stat(bin); err != nil {
		return "", "", "", nil, fmt.Errorf("MinIO not found (set S3_ENDPOINT or MINIO_BIN, or run .ci/run once): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return "", "", "", nil, err
	}
	console, err := freePort()
	if err != nil {
		return "", "", "", nil, err
	}
	access, secret = "benchupload", fmt.Sprintf("bench-secret-%d", os.Getpid())
	endpoint = fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(bin, "server", "--quiet", "--address", endpoint, "--console-address", fmt.Sprintf("127.0.0.1:%d", console), filepath.Join(work, "minio"))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+access, "MINIO_ROOT_PASSWORD="+secret, "MINIO_BROWSER=off")
	if err := cmd.Start(); err != nil {
		return "", "", "", nil, err
	}
	kill = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	for i := 0; i < 120; i++ {
		if resp, err := http.Get("http://" + endpoint + "/minio/health/live"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return endpoint, access, secret, kill, nil
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	kill()
	return "", "", "", nil, fmt.Errorf("MinIO did not start at %s", endpoint)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench upload: "+format+"\n", args...)
	os.Exit(1)
}
