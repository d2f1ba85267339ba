package ticker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetries is how many times a request is tried again after a
// temporary failure.
const maxRetries = 2

// baseBackoff is the wait before the first retry; it doubles after.
var baseBackoff = 250 * time.Millisecond

// getter does one source's requests.
type getter struct {
	opts Options
}

// httpError is an answer with an unexpected status.
type httpError struct {
	URL        string
	Status     string
	Code       int
	RetryAfter time.Duration
}

func (e *httpError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Status) }

func (e *httpError) temporary() bool {
	return e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// getJSON GETs url and decodes its body strictly into v, retrying
// temporary failures.
func (g *getter) getJSON(ctx context.Context, url string, v any) error {
	for attempt := 0; ; attempt++ {
		err := g.try(ctx, url, v)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return deadlineError(ctx, url, err)
		}
		wait, retry := retryable(err, attempt)
		if !retry || attempt == maxRetries {
			return err
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return fmt.Errorf("%w (a retry in %s would pass the refresh deadline)", err, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return deadlineError(ctx, url, err)
		}
	}
}

// retryable says whether err is worth another try after wait.
func retryable(err error, attempt int) (wait time.Duration, ok bool) {
	wait = baseBackoff << attempt
	var he *httpError
	if errors.As(err, &he) {
		if !he.temporary() {
			return 0, false
		}
		if he.RetryAfter > 0 {
			wait = he.RetryAfter
		}
		return wait, true
	}
	var de *decodeError
	if errors.As(err, &de) {
		return 0, false // the server answered; asking again will not fix its JSON
	}
	return wait, true // the connection broke
}

func deadlineError(ctx context.Context, url string, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("GET %s: no complete answer before the refresh deadline", url)
	}
	return fmt.Errorf("GET %s: %w", url, ctx.Err())
}

// decodeError is a body that is not the JSON expected.
type decodeError struct {
	URL string
	Err error
}

func (e *decodeError) Error() string { return fmt.Sprintf("GET %s: %v", e.URL, e.Err) }

func (g *getter) try(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", g.opts.UserAgent)
	req.Header.Set("Accept", "application/json")
	resp, err := g.opts.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return &httpError{URL: url, Status: resp.Status, Code: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), g.opts.Now())}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, g.opts.MaxBody+1))
	if err != nil {
		return fmt.Errorf("GET %s: reading the body: %w", url, err)
	}
	if int64(len(body)) > g.opts.MaxBody {
		return &decodeError{URL: url, Err: fmt.Errorf("the body is over %s, the limit", sizeText(g.opts.MaxBody))}
	}
	if err := decodeStrict(body, v); err != nil {
		return &decodeError{URL: url, Err: err}
	}
	return nil
}

// decodeStrict decodes exactly one JSON value of v's shape from body.
func decodeStrict(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return errors.New("the answer is an HTML page, not JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return errors.New("the JSON ends early (truncated)")
		}
		return fmt.Errorf("not the JSON expected: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("not the JSON expected: more data after the value")
	}
	return nil
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	if n%(1<<10) == 0 {
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
