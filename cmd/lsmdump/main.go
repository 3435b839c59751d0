// Command lsmdump prints the level layout of an lsm store or the contents
// of one of its tables.
//
//	lsmdump layout <dir>
//	lsmdump table [-entries] <file.sst>
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aegisdb/aegis/lsm"
	"github.com/aegisdb/aegis/vfs"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "layout":
		err = lsm.DumpLayout(os.Stdout, vfs.Default, os.Args[2])
	case "table":
		fl := flag.NewFlagSet("table", flag.ExitOnError)
		entries := fl.Bool("entries", false, "print every entry of every data block")
		fl.Parse(os.Args[2:])
		if fl.NArg() != 1 {
			usage()
		}
		err = lsm.DumpTable(os.Stdout, vfs.Default, fl.Arg(0), *entries)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lsmdump:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: lsmdump layout <dir> | lsmdump table [-entries] <file.sst>")
	os.Exit(2)
}
