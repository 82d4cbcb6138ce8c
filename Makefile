# Tremplin — the two commands a newcomer needs are `make run` and `make test`.
# Everything else (Go modules, npm packages) is installed on demand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
NPM ?= npm
BIN := bin/tremplin
FRONT_SRC := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
GO_SRC := $(shell find cmd internal migrations workflows policies frontend/embed.go -type f 2>/dev/null) go.mod go.sum

.PHONY: run build test test-go test-front fuzz e2e bench lint clean help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	$(NPM) --prefix frontend ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONT_SRC)
	$(NPM) --prefix frontend run build

$(BIN): frontend/dist/index.html $(GO_SRC)
	$(GO) build -trimpath -ldflags "-s -w" -o $(BIN) ./cmd/tremplin

build: $(BIN) ## build the front end and the binary (bin/tremplin)

run: build ## start Tremplin on the embedded backends with demo data
	./$(BIN) serve

test: frontend/dist/index.html test-go fuzz test-front ## go vet, Go tests (race), short fuzzing, front-end unit tests

# With DATABASE_URL set (CI), the packages that start whole processes run a
# second time on SQLite; each prints the engines its processes ran on.
test-go: frontend/dist/index.html
	GO=$(GO) ./scripts/test-go.sh

# Each fuzz target runs briefly on every `make test`; run longer by hand with FUZZTIME=5m.
FUZZTIME ?= 8s
fuzz: frontend/dist/index.html
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

test-front: frontend/node_modules/.package-lock.json
	$(NPM) --prefix frontend test

e2e: build ## browser tests (Playwright driving Debian's /usr/bin/chromium)
	@test -x /usr/bin/chromium || { echo "chromium is missing: apt-get install -y chromium" >&2; exit 1; }
	$(NPM) --prefix frontend run e2e

bench: build ## benchmarks and load programs, with their ratios
	./scripts/bench.sh

lint: frontend/node_modules/.package-lock.json ## gofmt, go vet, TypeScript and ESLint
	@out=$$(gofmt -l cmd internal migrations workflows policies frontend/embed.go); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(NPM) --prefix frontend run lint

clean:
	rm -rf bin frontend/dist data
