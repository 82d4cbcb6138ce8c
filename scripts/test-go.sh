#!/usr/bin/env bash
# The Go half of `make test`: go vet, then every test under the race
# detector on the configured backends. With DATABASE_URL set (CI), that run
# puts the whole processes (servertest, commands) on PostgreSQL, so the
# packages that started any run a second time with TREMPLIN_TEST_ENGINE=sqlite:
# the HTTP suite then covers both engines, in CI as on a laptop. Each of those
# test binaries reports which engines its processes ran on; this script prints
# the lines (go test hides a passing package's output) and fails when the
# second run did not run on SQLite alone.
#
# The second run is without -race: the race detector has already watched the
# same Go code in the first run, the second is about the SQL the other engine
# answers, and -race would triple its time.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$GO" vet ./...

status=0
SECONDS=0
TREMPLIN_TEST_REPORT="$work/first" "$GO" test -race -count=1 -timeout 20m ./... || status=$?
first=$SECONDS
touch "$work/first"
printf '\n==> whole-process tests, first run (-race, configured engines, %ss):\n' "$first"
sort "$work/first"
[ "$status" -eq 0 ] || exit "$status"
[ -n "${DATABASE_URL:-}" ] || exit 0

mapfile -t pkgs < <(grep postgres "$work/first" | cut -d: -f1 | sort -u | sed 's|^|./|')
if [ "${#pkgs[@]}" -eq 0 ]; then
  echo "DATABASE_URL is set but no test started a whole process: nothing ran on PostgreSQL" >&2
  exit 1
fi
SECONDS=0
TREMPLIN_TEST_ENGINE=sqlite TREMPLIN_TEST_REPORT="$work/second" "$GO" test -count=1 -timeout 20m "${pkgs[@]}" || status=$?
touch "$work/second"
printf '\n==> whole-process tests, second run (TREMPLIN_TEST_ENGINE=sqlite, %ss):\n' "$SECONDS"
sort "$work/second"
[ "$status" -eq 0 ] || exit "$status"
if grep -q postgres "$work/second" || [ "$(wc -l <"$work/second")" -ne "${#pkgs[@]}" ]; then
  echo "the second run should have started processes on SQLite only, in each of: ${pkgs[*]}" >&2
  exit 1
fi
