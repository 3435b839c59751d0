package mvcc

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func TestVersionKeyEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  string
		ts   uint64
		want string // hex-free: the exact bytes
	}{
		{"empty key", "", 1, "\x00\x01\xff\xff\xff\xff\xff\xff\xff\xfe"},
		{"plain", "ab", 7, "ab\x00\x01\xff\xff\xff\xff\xff\xff\xff\xf8"},
		{"zero byte escaped", "a\x00b", 1, "a\x00\xffb\x00\x01\xff\xff\xff\xff\xff\xff\xff\xfe"},
		{"trailing zero", "a\x00", 0, "a\x00\xff\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff"},
		{"max ts", "k", ^uint64(0), "k\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ek := appendVersionKey(nil, []byte(tc.key), tc.ts)
			if string(ek) != tc.want {
				t.Fatalf("encode = %x, want %x", ek, tc.want)
			}
			k, ts, err := decodeVersionKey(ek)
			if err != nil || string(k) != tc.key || ts != tc.ts {
				t.Fatalf("decode = %q, %d, %v", k, ts, err)
			}
			if bytes.HasPrefix(ek, metaPrefix) {
				t.Fatalf("version key %x collides with the metadata prefix", ek)
			}
		})
	}
}

// TestVersionKeyOrder checks the two promises of the layout: user keys sort
// as bare bytes, and versions of one key sort newest first, with every
// version of a key before the next key.
func TestVersionKeyOrder(t *testing.T) {
	keys := []string{"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "a", "a\x00", "a\x00\x00", "a\x01", "a\xff", "ab", "b", "\xff", "\xff\x00"}
	slices.Sort(keys) // Go compares strings bytewise
	tss := []uint64{^uint64(0), 1 << 40, 300, 2, 1, 0}
	var want [][]byte
	for _, k := range keys { // keys ascending, ts descending: the order we promise
		for _, ts := range tss {
			want = append(want, appendVersionKey(nil, []byte(k), ts))
		}
	}
	got := slices.Clone(want)
	slices.SortFunc(got, bytes.Compare)
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			k, ts, _ := decodeVersionKey(got[i])
			t.Fatalf("position %d holds %q@%d (%x), want %x", i, k, ts, got[i], want[i])
		}
	}
	for _, k := range keys {
		p := appendPrefix(nil, []byte(k))
		end := prefixEnd(p)
		for _, other := range want {
			ok, _, _ := decodeVersionKey(other)
			inRange := bytes.Compare(other, p) >= 0 && bytes.Compare(other, end) < 0
			if inRange != (string(ok) == k) {
				t.Fatalf("[prefix(%q), prefixEnd) contains %q: %t", k, ok, inRange)
			}
		}
		if bytes.Compare(dataStart, p) > 0 || bytes.Compare(clockKey, p) >= 0 || bytes.Compare(horizonKey, p) >= 0 {
			t.Fatalf("metadata does not sort before %q", k)
		}
	}
}

func TestDecodeRejectsCorruptKeys(t *testing.T) {
	for _, tc := range []struct{ name, key string }{
		{"too short", "a\x00\x01"},
		{"no terminator", "abc\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"bad escape", "a\x00\x05b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"terminator in the middle", "a\x00\x01b\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"metadata key", "\x00\x00clock\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeVersionKey([]byte(tc.key))
			var ce *CorruptionError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
				t.Fatalf("decode %x: %v, want a CorruptionError", tc.key, err)
			}
		})
	}
}

func TestValueEncoding(t *testing.T) {
	for _, tc := range []struct {
		name      string
		raw       []byte
		value     string
		tombstone bool
		corrupt   bool
	}{
		{"value", encodeValue([]byte("hi"), false), "hi", false, false},
		{"empty value", encodeValue(nil, false), "", false, false},
		{"tombstone", encodeValue([]byte("ignored"), true), "", true, false},
		{"empty", nil, "", false, true},
		{"unknown kind", []byte{9, 'x'}, "", false, true},
		{"fat tombstone", []byte{kindTombstone, 'x'}, "", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, tomb, err := decodeValue([]byte("k"), tc.raw)
			if tc.corrupt {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("decode %x: %v, want ErrCorrupt", tc.raw, err)
				}
				return
			}
			if err != nil || string(v) != tc.value || tomb != tc.tombstone {
				t.Fatalf("decode %x = %q, %t, %v", tc.raw, v, tomb, err)
			}
		})
	}
}

// FuzzVersionKey: encoding round-trips and keeps order; decoding arbitrary
// bytes never panics. Run: go test ./mvcc -run '^$' -fuzz FuzzVersionKey
func FuzzVersionKey(f *testing.F) {
	f.Add([]byte("a"), []byte("a\x00"), uint64(1), uint64(2))
	f.Add([]byte{}, []byte{0}, uint64(0), ^uint64(0))
	f.Add([]byte("\x00\x01\x00\xff"), []byte("\x00\x01"), uint64(5), uint64(5))
	f.Fuzz(func(t *testing.T, a, b []byte, tsA, tsB uint64) {
		ea, eb := appendVersionKey(nil, a, tsA), appendVersionKey(nil, b, tsB)
		ka, ts, err := decodeVersionKey(ea)
		if err != nil || !bytes.Equal(ka, a) || ts != tsA {
			t.Fatalf("round trip of %x@%d: %x@%d, %v", a, tsA, ka, ts, err)
		}
		want := bytes.Compare(a, b)
		if want == 0 {
			want = -cmpUint64(tsA, tsB) // newer first
		}
		if got := bytes.Compare(ea, eb); got != want {
			t.Fatalf("order of %x@%d vs %x@%d: encoded %d, want %d", a, tsA, b, tsB, got, want)
		}
		// Arbitrary bytes: errors, never panics.
		decodeVersionKey(a)
		decodeValue(a, b)
	})
}

func cmpUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
