package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/vfs"
)

// TestCrash is the WAL's crash campaign. Each iteration runs a few "lives"
// of one log on a vfs.MemFS: open (recovering what the last crash left),
// check it against the model, let 1-4 writers append, commit and sync
// random payloads, and at a random moment (possibly mid-I/O) take a
// CrashClone — dropping unsynced data, tearing the tail, or keeping random
// unsynced writes. Some lives run on a vfs.FaultFS that fails the Nth write,
// sync or directory sync. After each crash:
//
//   - Open succeeds (a crash can only tear the last segment);
//   - the records read are dense from the first, and each is exactly the
//     payload appended with that LSN (nothing invented, nothing stale);
//   - every record acknowledged as durable before the crash is there;
//   - after an injected failure every later call fails (poisoned log).
//
// AEGIS_CRASH_ITERATIONS=n runs n iterations (default 1000);
// AEGIS_CRASH_SEED=s replays the single iteration with seed s (exactly when
// its lives ran one writer; with several, goroutine scheduling varies).
func TestCrash(t *testing.T) {
	iterations := 1000
	if testing.Short() {
		iterations = 100
	}
	if s := os.Getenv("AEGIS_CRASH_ITERATIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("AEGIS_CRASH_ITERATIONS=%q: %v", s, err)
		}
		iterations = n
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("AEGIS_CRASH_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("AEGIS_CRASH_SEED=%q: %v", s, err)
		}
		seed, iterations = n, 1
	}
	t.Logf("seed %d, %d iterations (replay a failure with AEGIS_CRASH_SEED=<its seed>)", seed, iterations)
	var st crashStats
	for i := 0; i < iterations; i++ {
		s := seed + int64(i)
		if err := crashIteration(s, &st); err != nil {
			t.Fatalf("AEGIS_CRASH_SEED=%d: %v", s, err)
		}
	}
	t.Logf("%d crash points (%v), %d with injected faults (%d poisoned logs); %d torn tails cut; %d recovered records compared with the model, %d of them acknowledged durable",
		st.crashes, st.modes, st.faulty, st.poisoned, st.tailCuts, st.recovered, st.acked)
	if st.tailCuts == 0 || st.poisoned == 0 {
		t.Errorf("the campaign never cut a tail or never poisoned a log: it tests less than it claims")
	}
}

type crashStats struct {
	crashes, faulty, poisoned, tailCuts, recovered, acked int
	modes                                                 map[vfs.CrashMode]int
}

// crashModel is what the writers did, as far as they know it.
type crashModel struct {
	mu       sync.Mutex
	payloads map[LSN][]byte // every record that may be in the log
	acked    LSN            // every record <= acked was acknowledged durable
	truncTo  LSN            // highest TruncateBefore argument
}

func (m *crashModel) note(lsn LSN, p []byte) {
	if lsn == 0 {
		return
	}
	m.mu.Lock()
	m.payloads[lsn] = p
	m.mu.Unlock()
}

func (m *crashModel) ack(lsn LSN) {
	m.mu.Lock()
	m.acked = max(m.acked, lsn)
	m.mu.Unlock()
}

func crashIteration(seed int64, st *crashStats) error {
	if st.modes == nil {
		st.modes = map[vfs.CrashMode]int{}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	fs := vfs.NewMem()
	model := &crashModel{payloads: map[LSN][]byte{}}
	segSize := int64(128 << rng.IntN(6)) // 128 B .. 4 KiB: many rolls
	lives := 1 + rng.IntN(4)
	for life := 0; life < lives; life++ {
		var fsys vfs.FS = fs
		faulty := rng.IntN(4) == 0
		if faulty {
			st.faulty++
			fsys = withFault(fs, rng)
		}
		opts := Options{FS: fsys, Dir: "/db/wal", SegmentSize: segSize, SyncInterval: time.Millisecond}
		opts.Sync = []SyncPolicy{SyncEveryCommit, SyncEveryCommit, SyncInterval, SyncNever}[rng.IntN(4)]

		l, err := Open(opts)
		if err != nil && !faulty {
			return fmt.Errorf("life %d: Open: %w", life, err)
		}
		if l != nil {
			if err := checkRecovered(l, model, st); err != nil {
				return fmt.Errorf("life %d (%v, segment %d B): %w", life, opts.Sync, segSize, err)
			}
		}
		mode := vfs.CrashMode(rng.IntN(3))
		var crashed *vfs.MemFS
		var acked LSN
		crash := func() {
			model.mu.Lock()
			acked = model.acked
			model.mu.Unlock()
			crashed = fs.CrashClone(vfs.CrashOptions{Mode: mode, Rand: rand.New(rand.NewPCG(uint64(seed), uint64(life)))})
		}
		if l != nil {
			poisoned, err := runWriters(l, model, rng, segSize, crash)
			if err != nil {
				return fmt.Errorf("life %d (%v): %w", life, opts.Sync, err)
			}
			if poisoned {
				if !faulty {
					return fmt.Errorf("life %d: log failed without an injected fault", life)
				}
				st.poisoned++
			}
			// Close may fail when poisoned; the crash image is taken already.
			if err := l.Close(); err != nil && !faulty {
				return fmt.Errorf("life %d: Close: %w", life, err)
			}
		} else {
			crash()
		}
		st.crashes++
		st.modes[mode]++
		model.acked = acked
		fs = crashed
	}
	// A last clean open must see what the last crash kept.
	l, err := Open(Options{FS: fs, Dir: "/db/wal", SegmentSize: segSize})
	if err != nil {
		return fmt.Errorf("final Open: %w", err)
	}
	defer l.Close()
	if err := checkRecovered(l, model, st); err != nil {
		return fmt.Errorf("final: %w", err)
	}
	return nil
}

// checkRecovered reads the whole log just opened and compares it with the
// model, then resets the model to exactly what survived: records past the
// end are gone and their LSNs will be reused.
func checkRecovered(l *Log, m *crashModel, st *crashStats) error {
	rec := l.Recovery()
	if rec.Tail != nil {
		st.tailCuts++
	}
	r, err := l.NewReader(0)
	if err != nil {
		return fmt.Errorf("NewReader: %w", err)
	}
	defer r.Close()
	first, next := LSN(0), LSN(0)
	for {
		lsn, p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading recovered log after LSN %d: %w", next-1, err)
		}
		if first == 0 {
			first, next = lsn, lsn
		}
		if lsn != next {
			return fmt.Errorf("recovered LSN %d after %d: not dense", lsn, next-1)
		}
		want, ok := m.payloads[lsn]
		if !ok {
			return fmt.Errorf("recovered LSN %d, which was never appended", lsn)
		}
		if !bytes.Equal(p, want) {
			return fmt.Errorf("LSN %d: recovered %d bytes that differ from the %d appended", lsn, len(p), len(want))
		}
		next++
	}
	last := next - 1
	if first == 0 {
		last = rec.FirstLSN - 1
	}
	if last != rec.LastLSN || l.LastLSN() != last || l.DurableLSN() != last {
		return fmt.Errorf("read up to LSN %d but Recovery says %d, LastLSN %d, DurableLSN %d", last, rec.LastLSN, l.LastLSN(), l.DurableLSN())
	}
	if m.acked > last {
		return fmt.Errorf("LSN %d was acknowledged durable but the log ends at %d (tail cut: %v)", m.acked, last, rec.Tail)
	}
	if first == 0 && rec.FirstLSN > max(m.truncTo, 1) || first > max(m.truncTo, 1) {
		return fmt.Errorf("log starts at LSN %d but was truncated only before %d", max(first, rec.FirstLSN), m.truncTo)
	}
	for lsn := range m.payloads {
		if lsn > last {
			delete(m.payloads, lsn)
		}
	}
	if first != 0 {
		st.recovered += int(last - first + 1)
		if m.acked >= first {
			st.acked += int(m.acked - first + 1)
		}
	}
	m.acked = last // Open synced it all
	return nil
}

// runWriters lets 1-4 goroutines work on l and calls crash once, at a
// random point of one of them. It reports whether the log failed.
func runWriters(l *Log, m *crashModel, rng *rand.Rand, segSize int64, crash func()) (poisoned bool, err error) {
	writers := 1 + rng.IntN(4)
	ops := make([]int, writers)
	total := 0
	for w := range ops {
		ops[w] = rng.IntN(80)
		total += ops[w]
	}
	crashAt := rng.IntN(total + 1) // 0..total ops done
	var (
		mu      sync.Mutex
		done    int
		crashed bool
		failure error
		failed  bool
	)
	step := func() { // counts an op and crashes at the chosen one
		mu.Lock()
		defer mu.Unlock()
		if done == crashAt && !crashed {
			crashed = true
			crash()
		}
		done++
	}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		wrng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		go func(n int) {
			defer wg.Done()
			err := writer(l, m, wrng, segSize, n, step)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				return
			}
			if !errors.Is(err, ErrPoisoned) {
				failure = err
				return
			}
			failed = true
			if _, err := l.Append([]byte("after the failure")); !errors.Is(err, ErrPoisoned) {
				failure = fmt.Errorf("Append after a failed write or sync returned %v, want ErrPoisoned", err)
			}
			if err := l.Sync(); !errors.Is(err, ErrPoisoned) {
				failure = fmt.Errorf("Sync after a failed write or sync returned %v, want ErrPoisoned", err)
			}
		}(ops[w])
	}
	wg.Wait()
	if !crashed {
		crash()
	}
	return failed, failure
}

// writer does n random operations and returns the first error.
func writer(l *Log, m *crashModel, rng *rand.Rand, segSize int64, n int, step func()) error {
	var mine LSN // last LSN this writer appended
	for i := 0; i < n; i++ {
		step()
		size := rng.IntN(200)
		if rng.IntN(20) == 0 {
			size = rng.IntN(int(2 * segSize)) // sometimes bigger than a segment
		}
		p := make([]byte, size)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		switch op := rng.IntN(20); {
		case op < 9:
			lsn, err := l.Append(p)
			m.note(lsn, p)
			if err != nil {
				return err
			}
			mine = lsn
		case op < 15:
			lsn, err := l.Commit(p)
			m.note(lsn, p)
			if err != nil {
				return err
			}
			if l.opts.Sync == SyncEveryCommit {
				m.ack(lsn)
			}
			mine = lsn
		case op < 17:
			if err := l.SyncTo(mine); err != nil {
				return err
			}
			m.ack(mine)
		case op < 19:
			if err := l.Sync(); err != nil {
				return err
			}
			m.ack(mine)
		default:
			m.mu.Lock()
			to := m.acked / 2
			m.truncTo = max(m.truncTo, to)
			m.mu.Unlock()
			if err := l.TruncateBefore(to); err != nil && !(errors.Is(err, vfs.ErrInjected) && !errors.Is(err, ErrPoisoned)) {
				return err
			}
		}
	}
	return nil
}

// withFault wraps fs in a FaultFS with one random rule: fail the Nth write
// (perhaps after writing part of it), sync, directory sync, create,
// truncate or remove, or every one after the Nth, or each with some
// probability. Reads and opens are left alone so that the check can read.
func withFault(fs *vfs.MemFS, rng *rand.Rand) *vfs.FaultFS {
	ffs := vfs.NewFaultFS(fs, rng.Uint64())
	ops := []vfs.Op{vfs.OpWrite, vfs.OpWrite, vfs.OpSync, vfs.OpSync, vfs.OpSyncDir, vfs.OpCreate, vfs.OpTruncate, vfs.OpRemove}
	r := vfs.Rule{Ops: ops[rng.IntN(len(ops))], PartialWrite: rng.IntN(2) == 0}
	switch rng.IntN(4) {
	case 0:
		r.AfterNth = 1 + rng.IntN(12)
	case 1:
		r.Probability = 0.05
	default:
		r.Nth = 1 + rng.IntN(12)
	}
	ffs.AddRule(r)
	return ffs
}
