package enginetest

import (
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/vfs"
)

func refCrashHarness(flaws refFlaws) CrashHarness {
	return CrashHarness{
		Open: func(fs vfs.FS, dir string) (engine.Engine, error) {
			e, err := openRef(fs, dir, flaws)
			if err != nil {
				return nil, err
			}
			return e, nil
		},
		Check: checkRef,
	}
}

// checkRef is the reference engine's checker: its log must be whole
// records from start to end.
func checkRef(fs vfs.FS, dir string) error {
	data, err := vfs.ReadFile(fs, dir+"/"+refLogName)
	if err != nil {
		return err
	}
	e := &refEngine{mem: memory.New()}
	if good := e.replay(data); good != int64(len(data)) {
		return fmt.Errorf("reflog: log of %d bytes has a bad record at offset %d", len(data), good)
	}
	return nil
}

func TestRunCrashOnReferenceEngine(t *testing.T) {
	RunCrash(t, refCrashHarness(refFlaws{}))
}

// TestCrashSuiteCatchesBrokenEngines runs crash tests on reference engines
// with one durability bug each and checks that they fail.
func TestCrashSuiteCatchesBrokenEngines(t *testing.T) {
	byName := map[string]crashTest{}
	for _, ct := range crashTests() {
		byName[ct.name] = ct
	}
	cases := []struct {
		name  string // the flaw; several tests may catch one flaw
		test  string
		flaws refFlaws
	}{
		{"acks sync without syncing", "Crash/DropUnsynced", refFlaws{ackWithoutSync: true}},
		{"acks sync without syncing", "CrashDuringWrites", refFlaws{ackWithoutSync: true}},
		{"half batches in the log", "Crash/TornTail", refFlaws{recordPerOp: true}},
		{"appends after a torn tail", "RepeatedCrashes", refFlaws{keepTornTail: true}},
		{"appends after a failed write", "FailedWrite", refFlaws{keepGoing: true}},
		{"never syncs its directory", "Crash/DropUnsynced", refFlaws{skipDirSync: true}},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.test, func(t *testing.T) {
			ct, ok := byName[c.test]
			if !ok {
				t.Fatalf("no crash test %q", c.test)
			}
			h := refCrashHarness(c.flaws)
			h.Check = nil // the contents check alone must catch the bug
			mustFail(t, c.name, func(tb testing.TB) { ct.fn(tb, h, 50) })
		})
	}
}
