package kv

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	cases := []struct {
		name  string
		value []byte
		exp   time.Time
	}{
		{"empty, no expiry", nil, time.Time{}},
		{"value, no expiry", []byte("hello"), time.Time{}},
		{"value with expiry", []byte{0, 1, 2}, time.Unix(1_700_000_000, 123)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := encodeRecord(c.value, c.exp)
			v, exp, err := decodeRecord([]byte("k"), rec)
			if err != nil || !bytes.Equal(v, c.value) || !exp.Equal(c.exp) {
				t.Fatalf("decode = %q %v %v", v, exp, err)
			}
		})
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	cases := map[string][]byte{
		"empty":           nil,
		"short header":    {1, 0, 0},
		"unknown version": {2, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for name, rec := range cases {
		if _, _, err := decodeRecord([]byte("k"), rec); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := map[string]string{"a": "b", "a\xff": "b", "kv\x00": "kv\x01", "\xff\xff": ""}
	for in, want := range cases {
		if got := string(prefixEnd([]byte(in))); got != want {
			t.Errorf("prefixEnd(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord([]byte("v"), time.Unix(5, 0)))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, rec []byte) {
		v, exp, err := decodeRecord([]byte("k"), rec)
		if err != nil {
			return
		}
		again := encodeRecord(v, exp)
		if !bytes.Equal(again, rec) {
			t.Fatalf("re-encode %x != %x", again, rec)
		}
	})
}
