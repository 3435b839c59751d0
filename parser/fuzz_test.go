package parser

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// FuzzParse feeds arbitrary text to ParseScript. Whatever the input, it
// must return statements or an *Error, never panic; every statement it
// returns must print as text that parses back to the same tree and
// prints the same again.
//
// Seeds: testdata/fuzz/FuzzParse plus every input of the golden files.
//
//	go test ./parser/ -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() {
			continue
		}
		datadriven.RunTestAny(f, path, func(t testing.TB, d *datadriven.TestData) string {
			f.Add(d.Input)
			return d.Expected
		})
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := ParseScript(sql)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("ParseScript(%q): error %v is not an *Error with a position", sql, err)
			}
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooDeep) {
				t.Fatalf("ParseScript(%q): error %v matches neither ErrSyntax nor ErrTooDeep", sql, err)
			}
			return
		}
		for _, s := range stmts {
			checkRoundTrip(t, sql, s)
		}
	})
}
