# interlog — see README.md. Every target runs from the repository root.
# npm's buf (tools/package.json, installed by scripts/gentools.sh): it starts at once on a fresh
# machine, where the Go tool of tools/go.mod would first be compiled; both pin the same version.
BUF := tools/node_modules/.bin/buf
GO_PACKAGES := ./...

.PHONY: run build generate generate-check lint breaking test test-all test-tidb test-clients bench example fuzz-short soak feed-consistency

## run: serve on the embedded SQLite default (./interlog.db, 127.0.0.1:50051)
run:
	go run ./cmd/interlogd

build:
	go build -o bin/interlogd ./cmd/interlogd

## generate: regenerate gen/ from proto/: Go, TypeScript (gen/ts) and Python (gen/python); the
## third-party protos come from the Go module proxy, the generators from npm and Debian
generate:
	./scripts/protodeps.sh
	./scripts/gentools.sh
	rm -rf gen/interlog gen/ts/lib gen/python/src
	$(BUF) generate
	$(BUF) generate --template buf.gen.googleapis.yaml

## generate-check: fail when gen/ is not what `make generate` produces
generate-check: generate
	@git add -N gen >/dev/null 2>&1 || true
	@git diff --exit-code --stat -- gen || { echo "gen/ is out of date: run make generate and commit"; exit 1; }

## lint: buf lint, buf format, gofmt, go vet
lint:
	./scripts/protodeps.sh
	./scripts/gentools.sh
	$(BUF) lint
	$(BUF) format -d --exit-code proto
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet $(GO_PACKAGES)

## breaking: buf breaking against the previous commit (AGAINST=ref to compare with another)
AGAINST ?= HEAD~1
breaking:
	./scripts/breaking.sh $(AGAINST)

# Test engines (internal/testdb): INTERLOG_TEST_ENGINES lists them. tidb is one of every
# engine when a TiDB for tests is at hand: INTERLOG_TEST_TIDB_DSN names a running one, or
# TIDB_TOOLS holds start-tidb.sh (each test binary then starts one on a free port).
TIDB_TOOLS ?= ../shared/tools/tidb
export INTERLOG_TEST_TIDB_TOOLS := $(abspath $(TIDB_TOOLS))
comma := ,
ALL_ENGINES := sqlite,mysql$(if $(or $(INTERLOG_TEST_TIDB_DSN),$(wildcard $(TIDB_TOOLS)/start-tidb.sh)),$(comma)tidb)
# The suites that prove the store on each engine; every other package is end-to-end.
ENGINE_PACKAGES := ./store/ ./reliability/
E2E_PACKAGES = $(shell go list ./... | grep -v -e '/store$$' -e '/reliability$$')

## test: quick tier: the end-to-end suites on SQLite, the store suite and reliability/ on
## every engine at hand (SQLite, MySQL/MariaDB, TiDB)
test:
	INTERLOG_TEST_ENGINES=sqlite go test -count=1 -timeout 20m $(E2E_PACKAGES)
	INTERLOG_TEST_ENGINES=$(ALL_ENGINES) go test -count=1 -timeout 20m $(ENGINE_PACKAGES)

## test-all: CI's tier: every suite on SQLite and MariaDB with the race detector, then every
## suite on TiDB (make test-tidb) without it, which would slow TiDB's pass most of all
test-all:
	INTERLOG_TEST_ENGINES=sqlite,mysql go test -race -count=1 -timeout 40m $(GO_PACKAGES)
	$(MAKE) --no-print-directory test-tidb

## test-tidb: every suite on TiDB alone
test-tidb:
	INTERLOG_TEST_ENGINES=tidb go test -count=1 -timeout 60m $(GO_PACKAGES)

## test-clients: the TypeScript and Python clients (gen/ts, gen/python) against an interlogd
## started for the test; installs what they need (scripts/clientdeps.sh)
test-clients:
	./scripts/clientdeps.sh
	go test -tags clients -count=1 -v ./clients/

## example: build and run the Go client example against a throw-away server
example:
	go test -count=1 -run TestExample ./examples/...

## bench: benchmarks against MySQL (see docs/benchmarks.md)
bench:
	go run ./bench

## soak: mixed traffic from 64 clients against interlogd on MySQL for SOAK (default 5m);
## the figures go to the test log (docs/reliability.md)
SOAK ?= 5m
soak:
	go test -count=1 -timeout 90m -run 'TestSoak$$' -v ./reliability -soak=$(SOAK)

## feed-consistency: the change feed consistency tests with writers running FEED_RUN (default 60s)
## on every engine of INTERLOG_TEST_ENGINES (the fault variants on MariaDB); docs/reliability.md
FEED_RUN ?= 60s
feed-consistency:
	go test -count=1 -timeout 60m -run 'TestChangeFeedConsistency' -v ./reliability -feed-run=$(FEED_RUN)

## fuzz-short: a short run of every fuzz target
fuzz-short:
	@if [ -x scripts/fuzz-short.sh ]; then ./scripts/fuzz-short.sh; else echo "no fuzz targets yet (scripts/fuzz-short.sh)"; fi
