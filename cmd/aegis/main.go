// Command aegis is AegisDB's single binary: server, client CLI and tools.
//
// The server and client commands arrive with the server issue; today the
// binary reports what it can do and which storage backends are linked in.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
)

const usage = `aegis — AegisDB, a multi-model database

Usage:
  aegis <command> [arguments]

Commands:
  backends    list the storage backends linked into this binary
  version     print the version
  help        print this help

The server (aegis serve) and the client commands (query, shell, kv, ...)
are not built yet; see README.md for the state of the project.
`

const version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return 0
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, "aegis", version)
		return 0
	case "backends":
		fmt.Fprintln(stdout, strings.Join(engine.Backends(), "\n"))
		return 0
	}
	fmt.Fprintf(stderr, "aegis: unknown command %q (run 'aegis help')\n", args[0])
	return 2
}
