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

## build: a static binary in ./shiplog (or BIN). Without cgo, and with
## gen2brain/webp's nodynamic tag: without it the binary is linked
## dynamically, so that webp can load a system libwebp (other bytes than
## its WebAssembly build) and the binary needs the system's loader.
## cmd/shiplog's TestReleaseBinaryIsStatic builds it and checks.
BIN ?= shiplog
build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags nodynamic -o $(BIN) ./cmd/shiplog

## example: build the bundled example log into example/public
example:
	$(GO) run ./cmd/shiplog build example

## bench: generate corpora and time shiplog (and Hugo, when installable); see docs/benchmarks.md
bench:
	@scripts/bench.sh

clean:
	rm -rf shiplog example/public
