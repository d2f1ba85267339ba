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

	// Its init alone, which runs before the others': see its package comment.
	_ "github.com/shiplog/shiplog/cmd/shiplog/internal/earlyheap"
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
	go func() {
		// After the first Ctrl-C the command winds down; a second one
		// kills it at once, as people expect.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a command and turns panics into a reported failure.
func run(ctx context.Context, e *env, args []string) (code int) {
	for len(args) > 0 && (args[0] == "--debug" || args[0] == "-debug") {
		e.debug = true
		args = args[1:]
	}
	name := ""
	defer func() {
		if r := recover(); r != nil {
			code = internalError(e, name, r, debug.Stack())
		}
	}()
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) == 1 {
			usage(e.stdout)
			return exitOK
		}
		c, ok := commands[args[1]]
		if !ok || len(args) > 2 {
			fmt.Fprintf(e.stderr, "shiplog help: no command %q\n\n", strings.Join(args[1:], " "))
			usage(e.stderr)
			return exitUsage
		}
		// The command prints its own help, flags included.
		name = c.name
		return c.run(ctx, e, []string{"--help"})
	case "-v", "-version", "--version":
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		if strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(e.stderr, "shiplog: unknown flag %s; flags go after the command\n\n", args[0])
		} else {
			fmt.Fprintf(e.stderr, "shiplog: unknown command %q\n\n", args[0])
		}
		usage(e.stderr)
		return exitUsage
	}
	name = c.name
	return c.run(ctx, e, args[1:])
}

// internalError reports a panic: a bug in shiplog, never in the input.
func internalError(e *env, name string, r any, stack []byte) int {
	cmd := "shiplog"
	if name != "" {
		cmd += " " + name
	}
	fmt.Fprintf(e.stderr, "%s: internal error: %v\n", cmd, r)
	fmt.Fprintf(e.stderr, "This is a bug in shiplog %s, not a problem with your log; please report this at https://github.com/shiplog/shiplog/issues with the command you ran", version)
	if e.debug {
		fmt.Fprintf(e.stderr, " and this stack trace:\n\n%s", stack)
	} else {
		fmt.Fprint(e.stderr, " (run it again with --debug to include a stack trace)\n")
	}
	return exitProblem
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
	fmt.Fprint(w, "\nGlobal flags:\n  --debug  show stack traces of internal errors\n")
	fmt.Fprint(w, "\nRun `shiplog help COMMAND` or `shiplog COMMAND --help` for details.\n")
}

func (c *command) help(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n", c.summary, strings.TrimSpace("shiplog "+c.name+" "+c.usage))
	if fs != nil {
		printFlags(w, fs)
	}
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n%s\n", indent(c.example))
	}
}

// printFlags lists a command's flags the way people type them (--out DIR),
// leaving out --debug, which every command takes.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ name, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "debug" {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + strings.ToUpper(arg)
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		rows = append(rows, row{name, usage})
		width = max(width, len(name))
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.name, r.usage)
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
	fs.BoolVar(&e.debug, "debug", e.debug, "show stack traces of internal errors")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.help(e.stdout, fs)
				return nil, exitOK
			}
			fmt.Fprintf(e.stderr, "shiplog %s: %s\n\n", c.name, flagError(err))
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

// flagError rewords the flag package's errors the way flags are written
// in shiplog's help: --out, not -out.
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + rest + " needs a value"
	}
	return strings.Replace(msg, "for flag -", "for flag --", 1)
}

// dirArg returns the site folder from the positional arguments, "." when
// none was given.
func dirArg(pos []string, i int) string {
	if len(pos) > i {
		return pos[i]
	}
	return "."
}
