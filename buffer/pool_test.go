package buffer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
)

const testPageSize = page.MinSize

func openFile(t testing.TB, path string) vfs.File {
	t.Helper()
	f, err := vfs.Default.OpenReadWrite(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newPool(t testing.TB, path string, frames int, log LogFlusher) *Pool {
	t.Helper()
	p, err := New(Options{File: openFile(t, path), PageSize: testPageSize, Frames: frames, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// writeCell makes page f hold the one cell s, under the write latch.
func writeCell(t testing.TB, f *Frame, s string, lsn uint64) {
	t.Helper()
	f.Lock()
	defer f.Unlock()
	pg := f.Page()
	pg.Reset()
	if err := pg.Insert(0, []byte(s)); err != nil {
		t.Fatal(err)
	}
	pg.SetLSN(lsn)
	f.MarkDirty()
}

func readCell(t testing.TB, p *Pool, id page.ID) string {
	t.Helper()
	f, err := p.Fetch(id)
	if err != nil {
		t.Fatalf("fetch %d: %v", id, err)
	}
	defer p.Unpin(f)
	f.RLock()
	defer f.RUnlock()
	if f.Page().NumCells() != 1 {
		t.Fatalf("page %d has %d cells", id, f.Page().NumCells())
	}
	return string(f.Page().Cell(0))
}

// fill allocates n pages holding "page-<id>", unpinning each.
func fill(t testing.TB, p *Pool, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		f, err := p.Allocate(page.TypeLeaf)
		if err != nil {
			t.Fatal(err)
		}
		writeCell(t, f, fmt.Sprintf("page-%d", f.ID()), 0)
		p.Unpin(f)
	}
}

func TestRoundTripThroughEviction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pages")
	p := newPool(t, path, 3, nil)
	fill(t, p, 10) // 10 pages through 3 frames: most are evicted dirty
	for id := page.ID(0); id < 10; id++ {
		if got, want := readCell(t, p, id), fmt.Sprintf("page-%d", id); got != want {
			t.Fatalf("page %d holds %q, want %q", id, got, want)
		}
	}
	m := p.Metrics()
	if m.Evictions == 0 || m.DirtyWrites == 0 || m.Reads == 0 || m.Pages != 10 {
		t.Fatalf("metrics %+v: expected evictions, writes, reads and 10 pages", m)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p = newPool(t, path, 4, nil)
	defer p.Close()
	if n := p.NumPages(); n != 10 {
		t.Fatalf("reopened pool has %d pages, want 10", n)
	}
	for id := page.ID(0); id < 10; id++ {
		if got, want := readCell(t, p, id), fmt.Sprintf("page-%d", id); got != want {
			t.Fatalf("after reopen page %d holds %q, want %q", id, got, want)
		}
	}
}

func TestMetricsHitsAndMisses(t *testing.T) {
	p := newPool(t, filepath.Join(t.TempDir(), "pages"), 8, nil)
	defer p.Close()
	fill(t, p, 2) // allocation counts as a miss: the page was not cached
	readCell(t, p, 0)
	readCell(t, p, 0)
	readCell(t, p, 1)
	m := p.Metrics()
	if m.Hits != 3 || m.Misses != 2 || m.Reads != 0 {
		t.Fatalf("metrics %+v, want 3 hits, 2 misses, 0 reads", m)
	}
	if r := m.HitRatio(); r != 0.6 {
		t.Fatalf("hit ratio %v, want 0.6", r)
	}
}

func TestAllPinnedReturnsError(t *testing.T) {
	p := newPool(t, filepath.Join(t.TempDir(), "pages"), 2, nil)
	defer p.Close()
	fill(t, p, 3)
	a, err := p.Fetch(0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Fetch(1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Fetch(2); !errors.Is(err, ErrNoFreeFrames) {
		t.Fatalf("fetch with every frame pinned: %v, want ErrNoFreeFrames", err)
	}
	if _, err := p.Allocate(page.TypeLeaf); !errors.Is(err, ErrNoFreeFrames) {
		t.Fatalf("allocate with every frame pinned: %v, want ErrNoFreeFrames", err)
	}
	p.Unpin(a)
	if got := readCell(t, p, 2); got != "page-2" {
		t.Fatalf("after unpin, page 2 holds %q", got)
	}
	p.Unpin(b)
}

// recordingLog is a LogFlusher that remembers how far it was flushed.
type recordingLog struct {
	mu      sync.Mutex
	flushed uint64
	calls   []uint64
	fail    error
}

func (l *recordingLog) FlushTo(lsn uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.calls = append(l.calls, lsn)
	l.flushed = max(l.flushed, lsn)
	return nil
}

// walCheckingFile fails any page write whose LSN the log has not reached.
type walCheckingFile struct {
	vfs.File
	log *recordingLog
}

func (f *walCheckingFile) WriteAt(b []byte, off int64) (int, error) {
	lsn := binary.LittleEndian.Uint64(b[8:16])
	f.log.mu.Lock()
	flushed := f.log.flushed
	f.log.mu.Unlock()
	if lsn > flushed {
		return 0, fmt.Errorf("page with LSN %d written at offset %d but log flushed only to %d", lsn, off, flushed)
	}
	return f.File.WriteAt(b, off)
}

func TestWALBeforeData(t *testing.T) {
	log := &recordingLog{}
	file := &walCheckingFile{File: openFile(t, filepath.Join(t.TempDir(), "pages")), log: log}
	p, err := New(Options{File: file, PageSize: testPageSize, Frames: 2, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	// Three pages through two frames: allocating the third evicts page 0.
	lsns := []uint64{10, 20, 15}
	for _, lsn := range lsns {
		f, err := p.Allocate(page.TypeLeaf)
		if err != nil {
			t.Fatal(err)
		}
		writeCell(t, f, "x", lsn)
		p.Unpin(f)
	}
	if len(log.calls) != 1 || log.calls[0] != 10 {
		t.Fatalf("after one eviction, FlushTo calls = %v, want [10]", log.calls)
	}
	if err := p.FlushAll(); err != nil {
		t.Fatal(err)
	}
	// Page 1 (LSN 20) needs a flush; page 2 (LSN 15) is already covered.
	if fmt.Sprint(log.calls) != "[10 20]" {
		t.Fatalf("FlushTo calls = %v, want [10 20]", log.calls)
	}
	if m := p.Metrics(); m.WALFlushes != 2 || m.DirtyWrites != 3 {
		t.Fatalf("metrics %+v, want 2 WAL flushes and 3 writes", m)
	}

	// A failing log flush stops the write and keeps the page dirty.
	f, err := p.Fetch(0)
	if err != nil {
		t.Fatal(err)
	}
	writeCell(t, f, "y", 30)
	p.Unpin(f)
	log.fail = errors.New("disk gone")
	if err := p.FlushAll(); !errors.Is(err, log.fail) {
		t.Fatalf("FlushAll with a failing log: %v", err)
	}
	log.fail = nil
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if log.calls[len(log.calls)-1] != 30 {
		t.Fatalf("page dirtied at LSN 30 was not flushed at Close: calls %v", log.calls)
	}
}

func TestCorruptPagesAreReportedAndRepairable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pages")
	p := newPool(t, path, 8, nil)
	fill(t, p, 4)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	raw := openFile(t, path)
	damage := []struct {
		id     page.ID
		desc   string
		reason string
		apply  func()
	}{
		{1, "flipped byte", "checksum", func() { raw.WriteAt([]byte{0xEE}, 1*testPageSize+500) }},
		{2, "misdirected write", "misdirected", func() {
			buf := make([]byte, testPageSize)
			raw.ReadAt(buf, 0)
			raw.WriteAt(buf, 2*testPageSize)
		}},
		{3, "torn tail", "short page", func() { raw.Truncate(3*testPageSize + 100) }},
		{9, "past the end", "past the end", func() {}},
	}
	for _, d := range damage {
		d.apply()
	}
	raw.Close()

	p = newPool(t, path, 8, nil)
	for _, d := range damage {
		_, err := p.Fetch(d.id)
		var ce *page.CorruptionError
		if !errors.As(err, &ce) || ce.ID != d.id || !errors.Is(err, page.ErrCorrupt) {
			t.Fatalf("%s: Fetch(%d) = %v, want a *page.CorruptionError for page %d", d.desc, d.id, err, d.id)
		}
		if !contains(err.Error(), d.reason) {
			t.Fatalf("%s: error %q does not say %q", d.desc, err, d.reason)
		}
		// Redo installs a full page image over the damage.
		f, err := p.FetchForOverwrite(d.id)
		if err != nil {
			t.Fatal(err)
		}
		writeCell(t, f, fmt.Sprintf("repaired-%d", d.id), 0)
		p.Unpin(f)
	}
	if got := readCell(t, p, 0); got != "page-0" {
		t.Fatalf("undamaged page 0 holds %q", got)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p = newPool(t, path, 8, nil)
	defer p.Close()
	for _, d := range damage {
		if got, want := readCell(t, p, d.id), fmt.Sprintf("repaired-%d", d.id); got != want {
			t.Fatalf("page %d holds %q after repair, want %q", d.id, got, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestNewPageReusesID(t *testing.T) {
	p := newPool(t, filepath.Join(t.TempDir(), "pages"), 4, nil)
	defer p.Close()
	fill(t, p, 3)
	f, err := p.NewPage(1, page.TypeOverflow)
	if err != nil {
		t.Fatal(err)
	}
	if f.Page().Type() != page.TypeOverflow || f.Page().NumCells() != 0 || !f.Dirty() {
		t.Fatalf("NewPage gave %v dirty=%v", f.Page(), f.Dirty())
	}
	p.Unpin(f)
	if n := p.NumPages(); n != 3 {
		t.Fatalf("reusing a page grew the file to %d pages", n)
	}
}

func TestClosedPool(t *testing.T) {
	p := newPool(t, filepath.Join(t.TempDir(), "pages"), 4, nil)
	fill(t, p, 1)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Fetch(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Fetch after Close: %v", err)
	}
	if err := p.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestBadOptions(t *testing.T) {
	f := openFile(t, filepath.Join(t.TempDir(), "pages"))
	defer f.Close()
	if _, err := New(Options{File: f, PageSize: 3000}); !errors.Is(err, page.ErrBadSize) {
		t.Fatalf("page size 3000: %v", err)
	}
	if _, err := New(Options{File: f, Frames: -1}); err == nil {
		t.Fatal("negative frames accepted")
	}
}

// TestConcurrentPinLatchDirty runs goroutines that fetch random pages,
// increment a counter in the page under its write latch (or read it under
// the read latch), and unpin, while another goroutine keeps calling
// FlushAll. With more pages than frames, pages are evicted and re-read all
// the time. At the end each page's counter must equal the increments made
// to it: no lost update, no torn write, no page mixed up with another.
func TestConcurrentPinLatchDirty(t *testing.T) {
	const pages, frames, workers, opsPerWorker = 64, 16, 8, 2000
	path := filepath.Join(t.TempDir(), "pages")
	log := &recordingLog{}
	p := newPool(t, path, frames, log)
	for i := 0; i < pages; i++ {
		f, err := p.Allocate(page.TypeLeaf)
		if err != nil {
			t.Fatal(err)
		}
		f.Lock()
		_ = f.Page().Insert(0, make([]byte, 8))
		f.MarkDirty()
		f.Unlock()
		p.Unpin(f)
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	var want [pages]int64
	var wantMu sync.Mutex
	var lsn struct {
		sync.Mutex
		n uint64
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := 0; i < opsPerWorker; i++ {
				id := page.ID(rng.IntN(pages))
				f, err := p.Fetch(id)
				if err != nil {
					errs <- err
					return
				}
				if rng.IntN(2) == 0 {
					f.Lock()
					c := f.Page().Cell(0)
					binary.LittleEndian.PutUint64(c, binary.LittleEndian.Uint64(c)+1)
					lsn.Lock()
					lsn.n++
					f.Page().SetLSN(lsn.n)
					lsn.Unlock()
					f.MarkDirty()
					f.Unlock()
					wantMu.Lock()
					want[id]++
					wantMu.Unlock()
				} else {
					f.RLock()
					_ = binary.LittleEndian.Uint64(f.Page().Cell(0))
					f.RUnlock()
				}
				p.Unpin(f)
			}
		}(w)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if err := p.FlushAll(); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(done)
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p = newPool(t, path, frames, nil)
	defer p.Close()
	for id := page.ID(0); id < pages; id++ {
		f, err := p.Fetch(id)
		if err != nil {
			t.Fatal(err)
		}
		got := int64(binary.LittleEndian.Uint64(f.Page().Cell(0)))
		p.Unpin(f)
		if got != want[id] {
			t.Fatalf("page %d counter %d, want %d", id, got, want[id])
		}
	}
}
