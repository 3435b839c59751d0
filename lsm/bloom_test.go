package lsm

import (
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// TestBloomNoFalseNegatives: every added key is found.
func TestBloomNoFalseNegatives(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		var hs []uint64
		for i := 0; i < n; i++ {
			hs = append(hs, bloomHash(fmt.Appendf(nil, "k%d", i)))
		}
		f := buildBloom(hs, 10)
		for i := 0; i < n; i++ {
			if !bloomMayContain(f, bloomHash(fmt.Appendf(nil, "k%d", i))) {
				t.Fatalf("n=%d: key %d not found", n, i)
			}
		}
	}
}

// TestBloomFalsePositiveRate measures the false-positive rate of filters
// over 20,000 keys, probed with 200,000 absent keys, and requires it to be
// within 2x of the theoretical (1 - e^(-k/b))^k for b bits per key.
func TestBloomFalsePositiveRate(t *testing.T) {
	const n, probes = 20000, 200000
	for _, bpk := range []int{4, 6, 10, 14, 20} {
		var hs []uint64
		for i := 0; i < n; i++ {
			hs = append(hs, bloomHash(fmt.Appendf(nil, "present/%08d", i)))
		}
		f := buildBloom(hs, bpk)
		fp := 0
		for i := 0; i < probes; i++ {
			if bloomMayContain(f, bloomHash(fmt.Appendf(nil, "absent/%08d", i))) {
				fp++
			}
		}
		got, want := float64(fp)/probes, bloomFPR(bpk)
		t.Logf("bits/key %2d k=%d: measured FPR %.5f, theory %.5f, ratio %.2f", bpk, bloomK(bpk), got, want, got/want)
		if got > 2*want || (want > 0.001 && got < want/2) {
			t.Errorf("bits/key %d: measured FPR %.5f is not within 2x of theory %.5f", bpk, got, want)
		}
	}
}

// TestBloomInEngine checks the filter counters of a DB: Gets of absent
// keys are mostly ruled out by filters, and the false positives the DB
// counts stay within 2x of theory.
func TestBloomInEngine(t *testing.T) {
	db, err := Open(Options{FS: vfs.NewMem(), Dir: "db", MemtableSize: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 20000; i += 100 {
		b := engine.NewBatch()
		for j := i; j < i+100; j++ {
			b.Put(fmt.Appendf(nil, "present/%08d", j), []byte("v"))
		}
		if err := db.Apply(b, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50000; i++ {
		if _, err := db.Get(fmt.Appendf(nil, "present/%08d/absent", i%20000)); err != engine.ErrNotFound {
			t.Fatalf("Get(absent): %v", err)
		}
	}
	s := db.Stats()
	probes := s.BloomUseful + s.BloomPositive
	rate := float64(s.BloomFP) / float64(probes)
	t.Logf("table probes %d, ruled out %d, false positives %d (%.5f; theory %.5f)", probes, s.BloomUseful, s.BloomFP, rate, bloomFPR(10))
	if probes == 0 || rate > 2*bloomFPR(10) {
		t.Fatalf("in-engine false-positive rate %.5f over %d probes, theory %.5f", rate, probes, bloomFPR(10))
	}
}
