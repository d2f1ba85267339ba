package main

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for the shiplog binary, so the
// scenarios run the real main: real exit codes, real os.Exit.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"shiplog": main})
}

var update = flag.Bool("update", false, "rewrite the scenarios' expected files from what shiplog prints")

// TestScripts runs the CLI scenarios in testdata/script. Besides the
// standard testscript commands they can use:
//
//	exits CODE PROG [ARGS...]  run PROG; fail unless it exits with CODE
//	tree DIR                   print every file under DIR with its hash
//	[!] glob PATTERN           succeed when some path matches PATTERN
//	listen VAR                 hold a loopback port until the end; $VAR is its number
//	freeport VAR               $VAR is a port that was free a moment ago
//	httpget [-until TEXT] [-status CODE] URL
//	                           GET URL, retrying while the server starts or
//	                           until the body holds TEXT; print the body
//	distinctids FILE...        fail unless the files' id: lines all differ
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("TZ", "UTC")
			// Never the real Hacker News: `shiplog serve` refreshes the
			// ticker; a closed local port makes that fail at once.
			e.Setenv("SHIPLOG_HN_API", "http://127.0.0.1:1/v0")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":       cmdExits,
			"tree":        cmdTree,
			"glob":        cmdGlob,
			"listen":      cmdListen,
			"freeport":    cmdFreeport,
			"httpget":     cmdHTTPGet,
			"distinctids": cmdDistinctIDs,
		},
	})
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		got = exit.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

func cmdTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tree DIR")
	}
	root := ts.MkAbs(args[0])
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			fmt.Fprintf(ts.Stdout(), "%s/ %v\n", filepath.ToSlash(rel), info.Mode())
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(ts.Stdout(), "%s %v %x\n", filepath.ToSlash(rel), info.Mode(), sha256.Sum256(data))
		default:
			fmt.Fprintf(ts.Stdout(), "%s %v\n", filepath.ToSlash(rel), info.Mode())
		}
		return nil
	})
	ts.Check(err)
}

func cmdGlob(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: [!] glob PATTERN")
	}
	matches, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	switch {
	case neg && len(matches) > 0:
		ts.Fatalf("%s matches %s", args[0], strings.Join(matches, ", "))
	case !neg && len(matches) == 0:
		ts.Fatalf("nothing matches %s", args[0])
	}
}

func cmdListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: listen VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { ln.Close() })
	ts.Setenv(args[0], strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}

func cmdFreeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ts.Setenv(args[0], strconv.Itoa(port))
}

func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	fset := flag.NewFlagSet("httpget", flag.ContinueOnError)
	until := fset.String("until", "", "retry until the body contains this")
	status := fset.Int("status", http.StatusOK, "the status wanted")
	if neg || fset.Parse(args) != nil || fset.NArg() != 1 {
		ts.Fatalf("usage: httpget [-until TEXT] [-status CODE] URL")
	}
	url := fset.Arg(0)
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for {
		resp, err := client.Get(url)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case rerr != nil:
				last = rerr.Error()
			case resp.StatusCode != *status:
				last = fmt.Sprintf("status %d, want %d", resp.StatusCode, *status)
			case !strings.Contains(string(body), *until):
				last = fmt.Sprintf("body does not contain %q yet", *until)
			default:
				ts.Stdout().Write(body)
				return
			}
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			ts.Fatalf("GET %s: %s", url, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func cmdDistinctIDs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: distinctids FILE FILE...")
	}
	seen := map[string]string{}
	for _, name := range args {
		f, err := os.Open(ts.MkAbs(name))
		ts.Check(err)
		id := ""
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "id:"); ok {
				id = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
		if id == "" {
			ts.Fatalf("%s has no id: line", name)
		}
		if prev, ok := seen[id]; ok {
			ts.Fatalf("%s and %s share the id %s", prev, name, id)
		}
		seen[id] = name
	}
}
