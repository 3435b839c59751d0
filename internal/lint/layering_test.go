package lint

import (
	"bytes"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/aegisdb/aegis"

// layers is the stack of DESIGN.md, bottom first. A package may import only
// packages of a lower layer; sideways imports within a layer must be listed
// in sideways. Every package of the module must appear here, so a new
// package has to take a place in the stack before its tests pass.
var layers = [][]string{
	{"vfs", "compress", "parser", "internal/..."},
	{"arena"},
	{"page", "wal"},
	{"buffer"},
	{"engine"},
	{"engine/memory", "engine/enginetest", "btree", "lsm"},
	{"engine/backends"},
	{"mvcc"},
	{"bitmap", "gorilla"},
	{"invindex"},
	{"model/keyenc", "model/types"}, // value and key codecs shared by every data model
	{"model/..."},
	{"optimizer"},
	{"vexec"},
	{"sql"},
	{"replication"},
	{"server/config"}, // configuration loading: below the server that uses it
	{"server", "server/..."},
	{"cmd/...", "fuzz", "fuzz/..."},
}

// sideways lists the allowed imports between packages of one layer.
var sideways = map[string][]string{
	"engine/memory": {"engine/enginetest"}, // only its tests, but listed for clarity
	"btree":         {"engine/enginetest"},
	"lsm":           {"engine/enginetest"},
}

// storageFree packages must not import any storage layer at all.
var storageFree = map[string]bool{"parser": true}

func layerOf(pkg string) (int, bool) {
	for i, row := range layers {
		for _, pattern := range row {
			if pattern == pkg {
				return i, true
			}
			if prefix, ok := strings.CutSuffix(pattern, "/..."); ok && (pkg == prefix || strings.HasPrefix(pkg, prefix+"/")) {
				return i, true
			}
		}
	}
	return 0, false
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		fields := strings.Fields(string(line))
		if len(fields) == 0 {
			continue
		}
		pkg, ok := strings.CutPrefix(fields[0], module+"/")
		if !ok || strings.HasPrefix(pkg, "internal/lint") {
			continue
		}
		for _, imp := range fields[1:] {
			if dep, ok := strings.CutPrefix(imp, module+"/"); ok {
				imports[pkg] = append(imports[pkg], dep)
			}
		}
		if imports[pkg] == nil {
			imports[pkg] = []string{}
		}
	}
	problems := checkImports(imports)
	for _, p := range problems {
		t.Error(p)
	}
}

// checkImports returns one line per import that breaks the stack, given
// each package's direct imports (module-relative paths).
func checkImports(imports map[string][]string) []string {
	var problems []string
	for pkg, deps := range imports {
		level, known := layerOf(pkg)
		if !known {
			problems = append(problems, pkg+": not in the layer table of internal/lint/layering_test.go; give it a place in the stack")
			continue
		}
		for _, dep := range deps {
			depLevel, known := layerOf(dep)
			if !known {
				continue // reported when dep itself is checked
			}
			if storageFree[pkg] && !strings.HasPrefix(dep, "internal/") {
				problems = append(problems, pkg+" imports "+dep+": it must import no storage layer")
				continue
			}
			switch {
			case depLevel < level:
			case depLevel == level && contains(sideways[pkg], dep):
			default:
				problems = append(problems, pkg+" imports "+dep+", which is not below it in the stack")
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func TestCheckImportsCatchesViolations(t *testing.T) {
	got := checkImports(map[string][]string{
		"wal":       {"vfs"},    // fine: downward
		"buffer":    {"wal"},    // fine: buffer is above wal
		"page":      {"buffer"}, // upward
		"mvcc":      {"server"}, // upward
		"btree":     {"lsm"},    // sideways, not listed
		"parser":    {"engine"}, // parser must not touch storage
		"brand/new": {},         // not placed in the stack
	})
	want := []string{
		"brand/new: not in the layer table of internal/lint/layering_test.go; give it a place in the stack",
		"btree imports lsm, which is not below it in the stack",
		"mvcc imports server, which is not below it in the stack",
		"page imports buffer, which is not below it in the stack",
		"parser imports engine: it must import no storage layer",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checkImports:\n got %q\nwant %q", got, want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLayerOf(t *testing.T) {
	cases := map[string]int{"vfs": 0, "wal": 2, "model/keyenc": 10, "model/table": 11, "cmd/aegis": 18, "server/pgwire": 17, "server/config": 16, "model/kv": 11}
	for pkg, want := range cases {
		if got, ok := layerOf(pkg); !ok || got != want {
			t.Errorf("layerOf(%q) = %d, %v; want %d", pkg, got, ok, want)
		}
	}
	if _, ok := layerOf("nosuchpkg"); ok {
		t.Error("an unknown package must not be placed")
	}
}
