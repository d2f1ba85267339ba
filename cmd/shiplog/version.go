package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = "v0.1.0-dev"

func init() {
	register(&command{
		name:    "version",
		summary: "Print shiplog's version",
		usage:   "",
		example: "shiplog version",
		run: func(_ context.Context, e *env, args []string) int {
			fs := flag.NewFlagSet("version", flag.ContinueOnError)
			if _, code := commands["version"].parse(e, fs, args, 0); code >= 0 {
				return code
			}
			rev := ""
			if info, ok := debug.ReadBuildInfo(); ok {
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						rev = " " + s.Value[:12]
					}
				}
			}
			fmt.Fprintf(e.stdout, "shiplog %s%s (%s %s/%s)\n", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return exitOK
		},
	})
}
