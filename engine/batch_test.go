package engine_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// op is one batch operation as a test sees it.
type op struct {
	kind       engine.OpKind
	key, value []byte
}

func (o op) String() string { return fmt.Sprintf("%v(%q, %q)", o.kind, o.key, o.value) }

func opsOf(t testing.TB, b *engine.Batch) []op {
	t.Helper()
	var ops []op
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		ops = append(ops, op{kind, bytes.Clone(key), bytes.Clone(value)})
		return nil
	})
	if err != nil {
		t.Fatalf("ForEach: %v", err)
	}
	return ops
}

func batchOf(ops []op) *engine.Batch {
	b := engine.NewBatch()
	for _, o := range ops {
		switch o.kind {
		case engine.OpPut:
			b.Put(o.key, o.value)
		case engine.OpDelete:
			b.Delete(o.key)
		}
	}
	return b
}

func sameOps(a, b []op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// A put's value is never nil after decoding and a delete's always
		// is, so comparing with bytes.Equal plus the kind is exact.
		if a[i].kind != b[i].kind || !bytes.Equal(a[i].key, b[i].key) || !bytes.Equal(a[i].value, b[i].value) {
			return false
		}
	}
	return true
}

// randomBytes returns a slice whose length is usually short, sometimes long
// enough for a multi-byte length varint, and sometimes empty or nil.
func randomBytes(rng *rand.Rand) []byte {
	var n int
	switch r := rng.IntN(10); {
	case r == 0:
		return nil
	case r == 1:
		return []byte{}
	case r < 8:
		n = rng.IntN(20)
	default:
		n = 100 + rng.IntN(400) // lengths of 128 and more take two varint bytes
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestBatchRoundTrip is a property test: for random sequences of puts and
// deletes, DecodeBatch(Repr()) yields the same operations in the same order,
// and Count and Size agree with the encoding. Set AEGIS_BATCH_SEED to
// replay a run.
func TestBatchRoundTrip(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AEGIS_BATCH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("AEGIS_BATCH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (AEGIS_BATCH_SEED=%d to replay)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	reused := engine.NewBatch()
	for iter := range 500 {
		var want []op
		for range rng.IntN(30) {
			o := op{kind: engine.OpDelete, key: randomBytes(rng)}
			if rng.IntN(3) > 0 {
				o.kind, o.value = engine.OpPut, randomBytes(rng)
				if o.value == nil {
					o.value = []byte{} // a put of nil stores the empty value
				}
			}
			want = append(want, o)
		}
		// Build the batch twice: fresh, and by reusing one after Reset.
		reused.Reset()
		for _, b := range []*engine.Batch{batchOf(want), fill(reused, want)} {
			repr := b.Repr()
			if b.Count() != len(want) || b.Empty() != (len(want) == 0) || b.Size() != len(repr) {
				t.Fatalf("iteration %d: Count %d, Empty %v, Size %d for %d ops in %d bytes",
					iter, b.Count(), b.Empty(), b.Size(), len(want), len(repr))
			}
			decoded, err := engine.DecodeBatch(bytes.Clone(repr))
			if err != nil {
				t.Fatalf("iteration %d: DecodeBatch of its own encoding: %v", iter, err)
			}
			if got := opsOf(t, decoded); !sameOps(got, want) || decoded.Count() != len(want) {
				t.Fatalf("iteration %d: decoded %v\nwant %v", iter, got, want)
			}
			if !bytes.Equal(decoded.Repr(), repr) {
				t.Fatalf("iteration %d: decoded batch re-encodes differently", iter)
			}
		}
	}
}

func fill(b *engine.Batch, ops []op) *engine.Batch {
	for _, o := range ops {
		if o.kind == engine.OpPut {
			b.Put(o.key, o.value)
		} else {
			b.Delete(o.key)
		}
	}
	return b
}

func TestEmptyBatchEncoding(t *testing.T) {
	b := engine.NewBatch()
	if got := b.Repr(); !bytes.Equal(got, []byte{0, 0, 0, 0}) || b.Size() != 4 {
		t.Fatalf("empty batch encodes as %x (Size %d), want 00000000", got, b.Size())
	}
	decoded, err := engine.DecodeBatch([]byte{0, 0, 0, 0})
	if err != nil || !decoded.Empty() {
		t.Fatalf("DecodeBatch(empty) = %v, %v", decoded, err)
	}
}

// TestPutOnDecodedBatchLeavesNeighboursAlone: a decoded batch aliases its
// input, but adding to it must not write into the bytes that follow the
// input in the caller's buffer (say, the next record of a WAL block).
func TestPutOnDecodedBatchLeavesNeighboursAlone(t *testing.T) {
	buf := append(engine.NewBatch().Repr(), "NEIGHBOUR"...)
	b, err := engine.DecodeBatch(buf[:4])
	if err != nil {
		t.Fatal(err)
	}
	b.Put([]byte("k"), []byte("v"))
	if got := string(buf[4:]); got != "NEIGHBOUR" {
		t.Fatalf("Put on a decoded batch overwrote the bytes after its input: %q", got)
	}
	if got := opsOf(t, b); len(got) != 1 || string(got[0].key) != "k" {
		t.Fatalf("decoded batch after Put holds %v", got)
	}
}

// header returns the 4-byte op count that starts a batch encoding.
func header(count uint32) []byte { return binary.LittleEndian.AppendUint32(nil, count) }

func TestDecodeBatchRejectsCorruptEncodings(t *testing.T) {
	valid := batchOf([]op{{engine.OpPut, []byte("k"), []byte("v")}, {engine.OpDelete, []byte("gone"), nil}}).Repr()
	cases := []struct {
		name string
		data []byte
	}{
		{"nil", nil},
		{"short-header", []byte{1, 0, 0}},
		{"count-without-ops", header(1)},
		{"count-too-large", append(header(3), valid[4:]...)},
		{"count-too-small", append(header(1), valid[4:]...)},
		{"huge-count", append(header(0xffffffff), valid[4:]...)},
		{"unknown-kind", append(header(1), 9, 1, 'k')},
		{"kind-zero", append(header(1), 0, 1, 'k')},
		{"key-length-past-end", append(header(1), byte(engine.OpDelete), 5, 'k')},
		{"key-length-varint-truncated", append(header(1), byte(engine.OpDelete), 0x80)},
		{"key-length-varint-overflow", append(header(1), append([]byte{byte(engine.OpDelete)}, bytes.Repeat([]byte{0xff}, 11)...)...)},
		{"put-without-value", append(header(1), byte(engine.OpPut), 1, 'k')},
		{"value-length-past-end", append(header(1), byte(engine.OpPut), 1, 'k', 3, 'v')},
		{"trailing-bytes", append(bytes.Clone(valid), 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := engine.DecodeBatch(tc.data)
			if !errors.Is(err, engine.ErrCorruptBatch) {
				t.Fatalf("DecodeBatch(%x) = %v, %v; want ErrCorruptBatch", tc.data, b, err)
			}
			t.Log(err)
		})
	}
}

// TestDecodeBatchRejectsEveryTruncation cuts a valid encoding at every
// length: since the header counts the ops, no strict prefix is a batch.
func TestDecodeBatchRejectsEveryTruncation(t *testing.T) {
	repr := batchOf([]op{
		{engine.OpPut, []byte("key"), bytes.Repeat([]byte("v"), 200)},
		{engine.OpDelete, []byte("old"), nil},
		{engine.OpPut, []byte{}, []byte{}},
	}).Repr()
	for n := range len(repr) {
		if _, err := engine.DecodeBatch(repr[:n]); !errors.Is(err, engine.ErrCorruptBatch) {
			t.Errorf("prefix of %d of %d bytes: got %v, want ErrCorruptBatch", n, len(repr), err)
		}
	}
}

// FuzzDecodeBatch feeds arbitrary bytes to DecodeBatch: it must never
// panic, must reject with ErrCorruptBatch, and whatever it accepts must
// survive re-encoding. Run longer with
//
//	go test ./engine -run '^$' -fuzz '^FuzzDecodeBatch$' -fuzztime 60s
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0})
	f.Add(batchOf([]op{{engine.OpPut, []byte("k"), []byte("v")}}).Repr())
	f.Add(batchOf([]op{
		{engine.OpPut, []byte("user/1"), bytes.Repeat([]byte("x"), 300)},
		{engine.OpDelete, []byte("user/2"), nil},
		{engine.OpPut, nil, nil},
	}).Repr())
	f.Add(append(header(2), byte(engine.OpDelete), 0x80, 0x00)) // a non-minimal varint
	f.Add(append(header(1), 7, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := engine.DecodeBatch(data)
		if err != nil {
			if !errors.Is(err, engine.ErrCorruptBatch) {
				t.Fatalf("error %v does not match ErrCorruptBatch", err)
			}
			return
		}
		ops := opsOf(t, b)
		if len(ops) != b.Count() {
			t.Fatalf("ForEach visited %d ops, Count is %d", len(ops), b.Count())
		}
		again, err := engine.DecodeBatch(batchOf(ops).Repr())
		if err != nil {
			t.Fatalf("re-encoding of an accepted batch does not decode: %v", err)
		}
		if got := opsOf(t, again); !sameOps(got, ops) {
			t.Fatalf("re-encoded batch decodes to %v, want %v", got, ops)
		}
	})
}
