// Command startup measures the embedded mode's cold start (process start to
// /readyz 200 on a fresh data directory, migrations and demo data included),
// the idle resident memory after start, and the binary's size.
//
//	go run ./cmd/bench/startup -bin bin/tremplin -runs 5
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/tremplin", "the binary to measure")
	runs := flag.Int("runs", 5, "number of cold starts")
	idle := flag.Duration("idle", 3*time.Second, "how long to wait after ready before reading RSS")
	flag.Parse()

	st, err := os.Stat(*bin)
	if err != nil {
		log.Fatalf("%s: %v (run make build)", *bin, err)
	}
	var starts []time.Duration
	var rss []int
	for i := 0; i < *runs; i++ {
		d, r := once(*bin, *idle)
		starts = append(starts, d)
		rss = append(rss, r)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	sort.Ints(rss)
	fmt.Printf("binary size (stripped): %.1f MiB\n", float64(st.Size())/(1<<20))
	fmt.Printf("cold start to /readyz 200 (fresh data dir, migrations + demo data): median %d ms, min %d ms, max %d ms over %d runs (goal <= 1000 ms)\n",
		starts[len(starts)/2].Milliseconds(), starts[0].Milliseconds(), starts[len(starts)-1].Milliseconds(), len(starts))
	fmt.Printf("idle RSS %s after ready: median %.1f MiB, max %.1f MiB (goal <= 80 MiB)\n", *idle,
		float64(rss[len(rss)/2])/1024, float64(rss[len(rss)-1])/1024)
}

func once(bin string, idle time.Duration) (time.Duration, int) {
	dir, err := os.MkdirTemp("", "tremplin-startup-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	port := freePort()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "TREMPLIN_ADDR=127.0.0.1:"+strconv.Itoa(port), "TREMPLIN_DATA_DIR="+dir,
		"TREMPLIN_LOG_LEVEL=warn", "DATABASE_URL=", "REDIS_URL=", "S3_ENDPOINT=", "SMTP_URL=",
		"TREMPLIN_METRICS_ADDR=127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = nil, nil
	start := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", port)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			log.Fatal("server not ready after 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	ready := time.Since(start)
	time.Sleep(idle)
	return ready, rssKiB(cmd.Process.Pid)
}

func rssKiB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmRSS:") {
			fields := strings.Fields(sc.Text())
			n, _ := strconv.Atoi(fields[1])
			return n
		}
	}
	return 0
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
