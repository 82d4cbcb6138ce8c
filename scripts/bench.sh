#!/usr/bin/env bash
# make bench: Go benchmarks and load programs, each printing its own figures
# and ratios. PostgreSQL parts use DATABASE_URL's server when set, else the
# local one (127.0.0.1:5432, trust auth); the upload benchmark needs MinIO
# (S3_ENDPOINT, or the binary cached by .ci/run, started here).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL=${BENCH_ADMIN_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}}
out=.bench
mkdir -p "$out"
section() { printf '\n=== %s ===\n' "$*"; }

section "Start-up (embedded mode) and binary size"
go run ./cmd/bench/startup -bin bin/tremplin -runs 5

section "Workflow transitions vs bare UPDATE (32 workers)"
go run ./cmd/bench/transitions -engine postgres -admin-url "$ADMIN_URL"
go run ./cmd/bench/transitions -engine sqlite

section "Go benchmarks"
# One pass per package that has benchmarks; -run='^$' skips the tests.
pkgs=$(grep -rlE '^func Benchmark' --include='*_test.go' internal cmd | xargs -n1 dirname | sort -u | sed 's|^|./|')
DATABASE_URL="$ADMIN_URL" go test -run='^$' -bench=. -benchmem -benchtime=${BENCHTIME:-1s} $pkgs | tee "$out/go-bench.txt"

for prog in cmd/bench/*/; do
  name=$(basename "$prog")
  case "$name" in startup|transitions) continue ;; esac
  section "Load program: $name"
  if [ -x "$prog/run.sh" ]; then "$prog/run.sh"; else go run "./$prog"; fi
done
