package main

import (
	"fmt"
	"strings"
)

// codeTemplate is one fenced code block: its fence language and a body whose
// {placeholders} are filled like sentences, so the same snippet shows up with
// different names, numbers and tables in different entries.
type codeTemplate struct {
	lang string
	code string
}

// codeLeads introduce a code block, by fence language.
var codeLeads = map[string][]string{
	"go": {
		"The relevant part, trimmed:",
		"Here is the change:",
		"This is roughly what it looks like now:",
		"The reproduction, cut down to the essentials:",
		"What I ended up with:",
		"The short version in code:",
	},
	"js": {
		"The relevant part, trimmed:",
		"Here is the change:",
		"This is roughly what the code looks like now:",
		"What I ended up with:",
	},
	"yaml": {
		"For reference, the config as it stands:",
		"The config, trimmed:",
		"What the manifest looks like now:",
		"The relevant part of the config:",
	},
	"sh": {
		"The commands, in the order I ran them:",
		"What I ran:",
		"The script, more or less:",
		"To check it yourself:",
	},
	"dockerfile": {
		"The Dockerfile as it stands:",
		"The image build, after the change:",
		"For reference, the Dockerfile:",
	},
}

// codeTemplates hold 5 to 25 lines each of Go, JavaScript, YAML, shell and
// Dockerfile. Placeholders are letters in braces; any other brace is code.
var codeTemplates = []codeTemplate{
	{"go", `func {Func}(ctx context.Context, id string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, {ms}*time.Millisecond)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/{table}/"+id, nil)
	if err != nil {
		return nil, fmt.Errorf("{svc}: build request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("{svc}: get %s: %w", id, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("{svc}: get %s: status %d", id, resp.StatusCode)
	}
	var r Result
	err = json.NewDecoder(io.LimitReader(resp.Body, {mem}<<10)).Decode(&r)
	return &r, err
}`},
	{"go", `// retry calls fn until it succeeds, ctx ends, or attempts run out.
func retry(ctx context.Context, attempts int, fn func() error) error {
	delay := {ms} * time.Millisecond
	var err error
	for range attempts {
		if err = fn(); err == nil {
			return nil
		}
		jitter := time.Duration(rand.Int64N(int64(delay) / 2))
		select {
		case <-time.After(delay + jitter):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay = min(2*delay, {n}*time.Second)
	}
	return fmt.Errorf("after %d attempts: %w", attempts, err)
}`},
	{"go", `type worker struct {
	jobs  <-chan Job
	store *Store
	log   *slog.Logger
}

func (w *worker) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case job := <-w.jobs:
			if err := w.store.{Func}(ctx, job); err != nil {
				w.log.Error("{svc}: job failed", "id", job.ID, "err", err)
				continue
			}
			processed.Add(1)
		}
	}
}`},
	{"go", `func Test{Func}Timeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answer
	}))
	defer srv.Close()

	c := NewClient(srv.URL, WithTimeout({ms}*time.Millisecond))
	_, err := c.{Func}(context.Background(), "{table}-{n}")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("{Func}() error = %v, want %v", err, context.DeadlineExceeded)
	}
}`},
	{"go", `for {
	res, err := db.ExecContext(ctx, ` + "`" + `
		UPDATE {table} SET migrated = true
		WHERE id IN (SELECT id FROM {table} WHERE NOT migrated LIMIT {n2})` + "`" + `)
	if err != nil {
		return fmt.Errorf("migrate {table}: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	time.Sleep({ms} * time.Millisecond) // let replication catch up
}`},
	{"go", `var mu sync.Mutex
seen := make(map[string]int)

var wg sync.WaitGroup
for _, item := range items {
	wg.Go(func() {
		key := item.{Func}Key()
		mu.Lock()
		seen[key]++
		mu.Unlock()
	})
}
wg.Wait()`},
	{"js", `export async function fetch{Func}(id, { timeoutMs = {ms} } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch("/api/{table}/" + encodeURIComponent(id), {
      signal: controller.signal,
      headers: { Accept: "application/json" },
    });
    if (!res.ok) {
      throw new Error("{svc}: " + res.status + " " + res.statusText);
    }
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}`},
	{"js", `export function useSession() {
  const [session, setSession] = useState(null);

  useEffect(() => {
    let cancelled = false;
    loadSession().then((s) => {
      if (!cancelled) setSession(s);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  return session?.{field} ?? null;
}`},
	{"js", `const server = app.listen({port}, () => {
  console.log("{svc} listening on :{port}");
});

process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(1), {n} * 1000).unref();
});`},
	{"js", `module.exports = {
  mode: "production",
  entry: "./src/index.js",
  output: { filename: "[name].[contenthash].js", clean: true },
  performance: { maxAssetSize: {n2} * 1024 },
  cache: { type: "filesystem" },
};`},
	{"yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
spec:
  replicas: {n}
  template:
    spec:
      terminationGracePeriodSeconds: {n}
      containers:
        - name: {svc}
          image: registry.bench.example/{svc}:{version}
          env:
            - name: GOMEMLIMIT
              value: "{mem}MiB"
          resources:
            requests:
              memory: {mem}Mi
            limits:
              memory: {mem}Mi`},
	{"yaml", `name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: {n}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - run: go vet ./...
      - run: go test -race -count=1 ./...`},
	{"yaml", `services:
  {svc}:
    build: .
    ports:
      - "{port}:{port}"
    depends_on:
      - postgres
    environment:
      DATABASE_URL: postgres://app@postgres/{table}
  postgres:
    image: postgres:16
    command: ["postgres", "-c", "max_connections={n2}"]`},
	{"yaml", `groups:
  - name: {svc}
    rules:
      - alert: {Func}Slow
        expr: histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[5m])) > {ms}e-3
        for: 10m
        labels:
          severity: page
        annotations:
          runbook: https://example.com/runbooks/{svc}`},
	{"sh", `kubectl -n {project} get pods -l app={svc}
kubectl -n {project} logs deploy/{svc} --since=1h | grep -c ERROR
kubectl -n {project} top pods -l app={svc}
kubectl -n {project} rollout undo deploy/{svc}
kubectl -n {project} rollout status deploy/{svc} --timeout={n}s`},
	{"sh", `#!/usr/bin/env bash
set -euo pipefail

batch={n2}
last=0
while :; do
  n=$(psql -Atc "UPDATE {table} SET migrated = true
    WHERE id IN (SELECT id FROM {table} WHERE id > $last ORDER BY id LIMIT $batch)
    RETURNING id" | tail -n 1)
  [ -z "$n" ] && break
  last=$n
  echo "up to id $last"
  sleep 0.{n}
done`},
	{"sh", `curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' https://{host}/healthz
openssl s_client -connect {host}:443 -servername {host} </dev/null 2>/dev/null |
  openssl x509 -noout -enddate
dig +short {host}
ss -tanp | grep -c ':{port}'`},
	{"sh", `git stash
go test -bench '{Func}' -benchmem -count=6 ./internal/... | tee old.txt
git stash pop
go test -run '^Test{Func}' -count=20 -race ./internal/...
go test -bench '{Func}' -benchmem -count=6 ./internal/... | tee new.txt
benchstat old.txt new.txt`},
	{"dockerfile", `FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/{svc} ./cmd/{svc}

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/{svc} /{svc}
USER nonroot:nonroot
EXPOSE {port}
ENTRYPOINT ["/{svc}"]`},
	{"dockerfile", `FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:22-slim
WORKDIR /app
ENV NODE_ENV=production NODE_OPTIONS=--max-old-space-size={mem}
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
CMD ["node", "server.js"]`},
}

// codeBlock returns a lead-in sentence and a fenced code block.
func (c *composer) codeBlock() string {
	t := pick(c.r, codeTemplates)
	return pick(c.r, codeLeads[t.lang]) + "\n\n```" + t.lang + "\n" + c.expand(t.code) + "\n```"
}

// errorBlock returns a lead-in and a fenced block holding the entry's error
// messages verbatim: as a bare ```error block, or inside ```log lines. An
// entry without errors gets a log excerpt instead.
func (c *composer) errorBlock(date string) string {
	if len(c.errors) > 0 && c.r.chance(0.5) {
		return "The error, verbatim:\n\n```error\n" + strings.Join(c.errors, "\n") + "\n```"
	}
	lines := c.r.between(3, 6)
	errAt := c.r.intn(lines)
	h, m, s := c.r.intn(24), c.r.intn(60), c.r.intn(60)
	var b strings.Builder
	b.WriteString(pick(c.r, []string{"What the logs said:", "From the logs:", "The log, around the time:"}))
	b.WriteString("\n\n```log\n")
	for i := range lines {
		s += c.r.between(0, 40)
		m, s = m+s/60, s%60
		h, m = (h+m/60)%24, m%60
		fmt.Fprintf(&b, "%sT%02d:%02d:%02dZ ", date, h, m, s)
		switch {
		case i == errAt && len(c.errors) > 0:
			fmt.Fprintf(&b, "ERROR %s %s\n", c.svc, strings.Join(c.errors, "; "))
		default:
			fmt.Fprintf(&b, "%s %s %s\n", pick(c.r, []string{"INFO ", "INFO ", "WARN ", "DEBUG"}), c.svc, c.expand(pick(c.r, logMessages)))
		}
	}
	b.WriteString("```")
	return b.String()
}

// logMessages are the ordinary lines of a log excerpt.
var logMessages = []string{
	"starting version={version} pid={n2}",
	"listening addr=:{port}",
	"connected to {host}:{port} pool={n}",
	"request method=GET path=/api/{table} status=200 dur={ms}ms",
	"request method=POST path=/api/{table} status={status} dur={bigms}ms",
	"batch flushed size={n2} dur={ms}ms",
	"consumer lag={count} queue={queue}",
	"retrying attempt={n} backoff={ms}ms",
	"cache miss ratio=0.{n}",
	"gc pause={ms}ms heap={mem}MiB",
	"shutting down, draining in-flight={n}",
}

// treePackages, treeExtras and treeExtraFiles make up the ASCII trees.
var (
	treePackages   = []string{"store", "queue", "auth", "billing", "cache", "httpapi", "config", "retry", "ledger", "export", "feed", "sync"}
	treeExtras     = []string{"deploy/", "migrations/", "web/", "scripts/", "docs/", "testdata/"}
	treeExtraFiles = map[string][]string{
		"deploy/":     {"values.yaml", "Dockerfile"},
		"migrations/": {"0001_init.sql", "0042_add_index.sql"},
		"web/":        {"package.json", "vite.config.ts", "src/"},
		"scripts/":    {"backfill.sh", "release.sh"},
		"docs/":       {"design.md", "runbook.md"},
		"testdata/":   {"golden.txt", "fixtures.json"},
	}
)

// node is one directory or file of an ASCII tree; directories end in "/".
type node struct {
	name     string
	children []*node
}

// treeBlock returns a lead-in and a ```text block with the layout of the
// project as an ASCII tree drawn with ├── and └──.
func (c *composer) treeBlock() string {
	root := &node{name: c.project + "/"}
	cmd := &node{name: "cmd/", children: []*node{{name: c.svc + "/", children: []*node{{name: "main.go"}}}}}
	internal := &node{name: "internal/"}
	for _, p := range sample(c.r, treePackages, c.r.between(2, 4)) {
		pkg := &node{name: p + "/", children: []*node{{name: p + ".go"}}}
		if c.r.chance(0.6) {
			pkg.children = append(pkg.children, &node{name: p + "_test.go"})
		}
		internal.children = append(internal.children, pkg)
	}
	root.children = []*node{cmd, internal}
	for _, d := range sample(c.r, treeExtras, c.r.between(1, 2)) {
		dir := &node{name: d}
		for _, f := range treeExtraFiles[d] {
			dir.children = append(dir.children, &node{name: f})
		}
		root.children = append(root.children, dir)
	}
	root.children = append(root.children, &node{name: "go.mod"}, &node{name: "Makefile"})

	var b strings.Builder
	b.WriteString("The layout, for orientation:\n\n```text\n")
	b.WriteString(root.name + "\n")
	root.render(&b, "")
	b.WriteString("```")
	return b.String()
}

// render writes n's children, one per line, each prefixed by the branches of
// its ancestors.
func (n *node) render(b *strings.Builder, prefix string) {
	for i, child := range n.children {
		branch, indent := "├── ", "│   "
		if i == len(n.children)-1 {
			branch, indent = "└── ", "    "
		}
		b.WriteString(prefix + branch + child.name + "\n")
		child.render(b, prefix+indent)
	}
}
