package enginetest

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of reporting
// them, so a test can run a conformance check against a broken engine and
// assert that it fails. Fatal and Skip end the goroutine running the check
// (runCheck starts one), not the real test.
type recorder struct {
	testing.TB // the real test, for Cleanup, TempDir, Helper and Log
	mu         sync.Mutex
	failed     bool
	skipped    bool
	msgs       []string
}

func (r *recorder) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, msg)
}

func (r *recorder) Fail()                             { r.fail("Fail") }
func (r *recorder) Error(args ...any)                 { r.fail(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }
func (r *recorder) FailNow()                          { r.fail("FailNow"); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }
func (r *recorder) SkipNow()                          { r.skip() }
func (r *recorder) Skip(args ...any)                  { r.skip() }
func (r *recorder) Skipf(format string, args ...any)  { r.skip() }
func (r *recorder) Log(args ...any)                   {}
func (r *recorder) Logf(format string, args ...any)   {}

func (r *recorder) skip() {
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped
}

// runCheck runs check with a recorder on its own goroutine and returns the
// recorder once check has returned or called Fatal.
func runCheck(t testing.TB, check func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r
}

// mustFail runs check and fails t unless check reported a failure.
func mustFail(t *testing.T, what string, check func(testing.TB)) {
	t.Helper()
	r := runCheck(t, check)
	if r.Skipped() {
		t.Fatalf("%s: the check skipped instead of failing", what)
	}
	if !r.Failed() {
		t.Fatalf("%s: the check passed; it must catch this bug", what)
	}
	t.Logf("%s: caught: %s", what, firstLine(r.msgs[0]))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestRecorderRecordsFailures(t *testing.T) {
	r := runCheck(t, func(tb testing.TB) { tb.Fatalf("boom %d", 1); panic("not reached") })
	if !r.Failed() || r.msgs[0] != "boom 1" {
		t.Fatalf("recorder after Fatalf: failed=%v msgs=%q", r.Failed(), r.msgs)
	}
	if r := runCheck(t, func(testing.TB) {}); r.Failed() {
		t.Fatal("recorder failed a check that did nothing")
	}
	if r := runCheck(t, func(tb testing.TB) { tb.Skip("no") }); !r.Skipped() || r.Failed() {
		t.Fatal("recorder did not record a skip")
	}
}
