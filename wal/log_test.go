package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aegisdb/aegis/vfs"
)

func openTest(t testing.TB, opts Options) *Log {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	l, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

// readAll reads every record from LSN from on.
func readAll(t testing.TB, l *Log, from LSN) (lsns []LSN, payloads [][]byte) {
	t.Helper()
	r, err := l.NewReader(from)
	if err != nil {
		t.Fatalf("NewReader(%d): %v", from, err)
	}
	defer r.Close()
	for {
		lsn, p, err := r.Next()
		if err == io.EOF {
			return lsns, payloads
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(lsns), err)
		}
		lsns = append(lsns, lsn)
		payloads = append(payloads, bytes.Clone(p))
	}
}

func payloadFor(lsn LSN, size int) []byte {
	p := make([]byte, size)
	rand.New(rand.NewSource(int64(lsn))).Read(p)
	return p
}

func checkRecords(t testing.TB, lsns []LSN, payloads [][]byte, from LSN, size func(LSN) int) {
	t.Helper()
	for i, lsn := range lsns {
		if lsn != from+LSN(i) {
			t.Fatalf("record %d has LSN %d, want %d", i, lsn, from+LSN(i))
		}
		if want := payloadFor(lsn, size(lsn)); !bytes.Equal(payloads[i], want) {
			t.Fatalf("LSN %d: payload differs", lsn)
		}
	}
}

func TestAppendReadReopen(t *testing.T) {
	dir := t.TempDir()
	size := func(lsn LSN) int { return int(lsn*37) % 3000 }
	l := openTest(t, Options{Dir: dir, SegmentSize: 16 << 10})
	for lsn := LSN(1); lsn <= 500; lsn++ {
		got, err := l.Append(payloadFor(lsn, size(lsn)))
		if err != nil || got != lsn {
			t.Fatalf("Append = %d, %v; want %d", got, err, lsn)
		}
	}
	lsns, payloads := readAll(t, l, 0)
	if len(lsns) != 500 {
		t.Fatalf("read %d records before sync, want 500", len(lsns))
	}
	checkRecords(t, lsns, payloads, 1, size)
	lsns, payloads = readAll(t, l, 321)
	if len(lsns) != 180 {
		t.Fatalf("read %d records from 321, want 180", len(lsns))
	}
	checkRecords(t, lsns, payloads, 321, size)
	if m := l.Metrics(); m.Segments < 10 {
		t.Errorf("%d segments of 16 KiB for ~750 KB of records", m.Segments)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	l = openTest(t, Options{Dir: dir, SegmentSize: 16 << 10})
	rec := l.Recovery()
	if rec.LastLSN != 500 || rec.FirstLSN != 1 || rec.Tail != nil {
		t.Fatalf("Recovery = %+v, want records 1..500 and no tail", rec)
	}
	if l.DurableLSN() != 500 {
		t.Errorf("DurableLSN after reopen = %d", l.DurableLSN())
	}
	if lsn, err := l.Commit(payloadFor(501, size(501))); err != nil || lsn != 501 {
		t.Fatalf("Commit after reopen = %d, %v", lsn, err)
	}
	lsns, payloads = readAll(t, l, 1)
	if len(lsns) != 501 {
		t.Fatalf("read %d records after reopen, want 501", len(lsns))
	}
	checkRecords(t, lsns, payloads, 1, size)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

func TestSegmentFiles(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, Options{Dir: dir, SegmentSize: 100})
	// 40-byte frames: two fit in a segment of 100, the third rolls.
	for i := 0; i < 5; i++ {
		if _, err := l.Append(make([]byte, 24)); err != nil {
			t.Fatal(err)
		}
	}
	// A record bigger than a segment gets a segment of its own.
	if _, err := l.Append(make([]byte, 500)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Commit(make([]byte, 24)); err != nil {
		t.Fatal(err)
	}
	names, err := vfs.Default.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{segmentName(1), segmentName(3), segmentName(5), segmentName(6), segmentName(7)}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("segments = %v, want %v", names, want)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := vfs.Default.Stat(filepath.Join(dir, segmentName(6)))
	if err != nil || fi.Size() != 516 {
		t.Fatalf("oversized segment: %v, %v", fi, err)
	}
}

func TestTruncateBefore(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, Options{Dir: dir, SegmentSize: 100})
	for i := 0; i < 10; i++ { // segments start at 1, 3, 5, 7, 9
		if _, err := l.Append(make([]byte, 24)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.TruncateBefore(6); err != nil { // 1-2 and 3-4 go; 5-6 holds 5
		t.Fatal(err)
	}
	if m := l.Metrics(); m.SegmentsRemoved != 2 || m.Segments != 3 {
		t.Errorf("after TruncateBefore(6): %+v", m)
	}
	if _, err := l.NewReader(4); !errors.Is(err, ErrTruncated) {
		t.Errorf("NewReader(4) = %v, want ErrTruncated", err)
	}
	lsns, _ := readAll(t, l, 0)
	if len(lsns) != 6 || lsns[0] != 5 {
		t.Errorf("read %v after truncation, want 5..10", lsns)
	}
	if err := l.TruncateBefore(1000); err != nil { // never the active segment
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openTest(t, Options{Dir: dir, SegmentSize: 100})
	defer l.Close()
	if rec := l.Recovery(); rec.FirstLSN != 9 || rec.LastLSN != 10 {
		t.Errorf("Recovery after truncation = %+v, want 9..10", rec)
	}
	if lsn, err := l.Append(nil); lsn != 11 || err != nil {
		t.Errorf("Append = %d, %v; want 11", lsn, err)
	}
}

func TestOpenCutsTornTail(t *testing.T) {
	tests := []struct {
		name   string
		damage func(data []byte) []byte // applied to the last segment
		last   LSN                      // last LSN that must survive
		reason string
	}{
		{"clean", func(b []byte) []byte { return b }, 4, ""},
		{"torn header", func(b []byte) []byte { return b[:3*(headerSize+10)+5] }, 3, "torn header"},
		{"torn payload", func(b []byte) []byte { return b[:len(b)-1] }, 3, "torn record"},
		{"flipped bit", func(b []byte) []byte { b[2*(headerSize+10)+headerSize] ^= 1; return b }, 2, "checksum"},
		{"zeroed tail", func(b []byte) []byte { return append(b, make([]byte, 4096)...) }, 4, "zeroed"},
		{"empty", func(b []byte) []byte { return b[:0] }, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l := openTest(t, Options{Dir: dir})
			for lsn := LSN(1); lsn <= 4; lsn++ {
				l.Append(payloadFor(lsn, 10))
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, segmentName(1))
			data, err := vfs.ReadFile(vfs.Default, path)
			if err != nil {
				t.Fatal(err)
			}
			if err := vfs.WriteFileAtomic(vfs.Default, dir, path, tt.damage(data)); err != nil {
				t.Fatal(err)
			}
			l = openTest(t, Options{Dir: dir})
			defer l.Close()
			rec := l.Recovery()
			if rec.LastLSN != tt.last {
				t.Errorf("LastLSN = %d, want %d", rec.LastLSN, tt.last)
			}
			if (rec.Tail == nil) != (tt.reason == "") || rec.Tail != nil && !bytes.Contains([]byte(rec.Tail.Reason), []byte(tt.reason)) {
				t.Errorf("Tail = %v, want reason %q", rec.Tail, tt.reason)
			}
			// The cut is durable and appending goes on from there.
			if lsn, err := l.Commit(payloadFor(tt.last+1, 10)); err != nil || lsn != tt.last+1 {
				t.Fatalf("Commit = %d, %v", lsn, err)
			}
			lsns, payloads := readAll(t, l, 1)
			if len(lsns) != int(tt.last)+1 {
				t.Fatalf("read %d records, want %d", len(lsns), tt.last+1)
			}
			checkRecords(t, lsns, payloads, 1, func(LSN) int { return 10 })
		})
	}
}

func TestOpenRejectsDamagedSealedSegment(t *testing.T) {
	for _, tt := range []struct {
		name   string
		damage func(dir string) error
	}{
		{"flipped bit in sealed segment", func(dir string) error {
			path := filepath.Join(dir, segmentName(3))
			data, err := vfs.ReadFile(vfs.Default, path)
			if err != nil {
				return err
			}
			data[headerSize+2] ^= 1
			return vfs.WriteFileAtomic(vfs.Default, dir, path, data)
		}},
		{"missing middle segment", func(dir string) error {
			return vfs.Default.Remove(filepath.Join(dir, segmentName(3)))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l := openTest(t, Options{Dir: dir, SegmentSize: 100})
			for i := 0; i < 8; i++ {
				l.Append(make([]byte, 24))
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if err := tt.damage(dir); err != nil {
				t.Fatal(err)
			}
			_, err := Open(Options{Dir: dir, SegmentSize: 100})
			var ce *CorruptionError
			if !errors.As(err, &ce) || ce.Segment == segmentName(7) {
				t.Fatalf("Open = %v, want corruption before the last segment", err)
			}
		})
	}
}

func TestGroupCommit(t *testing.T) {
	l := openTest(t, Options{SegmentSize: 64 << 10})
	const writers, each = 16, 50
	var mu sync.Mutex
	got := map[LSN][]byte{}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				p := []byte(fmt.Sprintf("writer %d record %d", w, i))
				lsn, err := l.Commit(p)
				if err != nil {
					t.Error(err)
					return
				}
				if d := l.DurableLSN(); d < lsn {
					t.Errorf("Commit(%d) returned with DurableLSN %d", lsn, d)
				}
				mu.Lock()
				got[lsn] = p
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	if len(got) != writers*each {
		t.Fatalf("%d distinct LSNs, want %d", len(got), writers*each)
	}
	lsns, payloads := readAll(t, l, 1)
	for i, lsn := range lsns {
		if lsn != LSN(i+1) || !bytes.Equal(payloads[i], got[lsn]) {
			t.Fatalf("record %d: LSN %d payload %q, want %q", i, lsn, payloads[i], got[lsn])
		}
	}
	m := l.Metrics()
	t.Logf("%d commits, %d syncs, %.1f records/sync, max batch %d", m.Records, m.Syncs, m.RecordsPerSync(), m.MaxSyncBatch)
	if m.SyncedRecords != m.Records {
		t.Errorf("SyncedRecords %d != Records %d", m.SyncedRecords, m.Records)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSyncPolicies(t *testing.T) {
	for _, policy := range []SyncPolicy{SyncInterval, SyncNever} {
		t.Run(policy.String(), func(t *testing.T) {
			l := openTest(t, Options{Sync: policy, SyncInterval: time1ms})
			lsn, err := l.Commit([]byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			if policy == SyncInterval {
				// The background loop must get there; no deadline but the test's.
				for l.DurableLSN() < lsn {
					waitABit()
				}
			} else if l.DurableLSN() != 0 {
				t.Errorf("SyncNever synced on Commit")
			}
			if err := l.SyncTo(lsn); err != nil || l.DurableLSN() != lsn {
				t.Errorf("SyncTo: %v, durable %d", err, l.DurableLSN())
			}
			if err := l.SyncTo(lsn + 1); !errors.Is(err, ErrBeyondLast) {
				t.Errorf("SyncTo beyond last: %v", err)
			}
			if err := l.FlushTo(0); err != nil {
				t.Errorf("FlushTo(0): %v", err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRecordTooLarge(t *testing.T) {
	l := openTest(t, Options{})
	defer l.Close()
	if _, err := l.Append(make([]byte, MaxRecordSize+1)); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("Append of MaxRecordSize+1: %v", err)
	}
	if lsn, err := l.Commit([]byte("still fine")); err != nil || lsn != 1 {
		t.Fatalf("Commit after a refused append = %d, %v", lsn, err)
	}
}

// TestReadersWhileCommitting runs readers over the log while writers
// commit; each reader must see a dense prefix with the right payloads.
func TestReadersWhileCommitting(t *testing.T) {
	l := openTest(t, Options{SegmentSize: 4 << 10, Sync: SyncNever})
	defer l.Close()
	size := func(lsn LSN) int { return int(lsn % 300) }
	const records = 2000
	var wg sync.WaitGroup
	var mu sync.Mutex // orders LSN assignment with the payload chosen for it
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < records/2; i++ {
				mu.Lock()
				lsn := l.LastLSN() + 1
				_, err := l.Commit(payloadFor(lsn, size(lsn)))
				mu.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for l.LastLSN() < records {
		from := LSN(rand.Intn(int(l.LastLSN()) + 1))
		lsns, payloads := readAll(t, l, from)
		checkRecords(t, lsns, payloads, max(from, 1), size)
	}
	wg.Wait()
}
