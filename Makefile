# shiplog — the two commands in the README are `go run ./cmd/shiplog serve example`
# and `make test`. Everything else here is for developers.

GO ?= go

.PHONY: test deps vet fmt-check unit bench build example clean

## test: install what the tests need when missing, then vet, format-check and run every test
test: deps vet fmt-check unit

deps:
	@scripts/test-deps.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 -timeout 30m ./...

## build: a static binary in ./shiplog
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o shiplog ./cmd/shiplog

## example: build the bundled example log into example/public
example:
	$(GO) run ./cmd/shiplog build example

## bench: generate corpora and time shiplog (and Hugo, when installable); see docs/benchmarks.md
bench:
	@scripts/bench.sh

clean:
	rm -rf shiplog example/public
