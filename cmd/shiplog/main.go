// Command shiplog turns a folder of Markdown engineering-log entries into a
// static site, and helps write, check and serve it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK      = 0
	exitProblem = 1
	exitUsage   = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the arguments, after "shiplog NAME"
	example string
	run     func(ctx context.Context, env *env, args []string) int
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what a command may touch: its streams and its arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	debug          bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a command and turns panics into a reported failure.
func run(ctx context.Context, e *env, args []string) (code int) {
	for len(args) > 0 && args[0] == "--debug" {
		e.debug = true
		args = args[1:]
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "shiplog: internal error: %v (please report this at https://github.com/shiplog/shiplog/issues with the command you ran)\n", r)
			if e.debug {
				e.stderr.Write(debug.Stack())
			}
			code = exitProblem
		}
	}()
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				c.help(e.stdout, nil)
				return exitOK
			}
		}
		usage(e.stdout)
		return exitOK
	case "-v", "--version":
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "shiplog: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprint(w, "shiplog turns a folder of Markdown engineering-log entries into a site.\n\nUsage:\n  shiplog COMMAND [arguments]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun `shiplog help COMMAND` or `shiplog COMMAND --help` for details.\n")
}

func (c *command) help(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  shiplog %s %s\n", c.summary, c.name, c.usage)
	if fs != nil {
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
	}
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n%s\n", indent(c.example))
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// parse parses flags that may come before or after positional arguments
// (`shiplog serve example --port 0`). It returns the positional
// arguments, or a non-negative exit code when the command should stop.
func (c *command) parse(e *env, fs *flag.FlagSet, args []string, maxArgs int) ([]string, int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.help(e.stdout, fs)
				return nil, exitOK
			}
			fmt.Fprintf(e.stderr, "shiplog %s: %v\n\n", c.name, err)
			c.help(e.stderr, fs)
			return nil, exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) > maxArgs {
		fmt.Fprintf(e.stderr, "shiplog %s: too many arguments: %s\n\n", c.name, strings.Join(pos[maxArgs:], " "))
		c.help(e.stderr, fs)
		return nil, exitUsage
	}
	return pos, -1
}

// dirArg returns the site folder from the positional arguments, "." when
// none was given.
func dirArg(pos []string, i int) string {
	if len(pos) > i {
		return pos[i]
	}
	return "."
}
