package wal

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader reads arbitrary bytes as a segment. It must never panic, and
// whatever it returns must be real: every record it accepts re-encodes to
// exactly the bytes it was read from, with dense LSNs from the first.
//
//	go test -run '^$' -fuzz FuzzReader ./wal/
func FuzzReader(f *testing.F) {
	good := segmentBytes(1, "alpha", "", "a longer payload of some bytes")
	f.Add(good, uint64(1))
	f.Add(good[:len(good)-3], uint64(1))
	f.Add(good, uint64(2))
	f.Add(append(bytes.Clone(good), make([]byte, 40)...), uint64(1))
	f.Add([]byte{}, uint64(1))
	f.Add(segmentBytes(1<<40, "x"), uint64(1<<40))
	f.Fuzz(func(t *testing.T, data []byte, first uint64) {
		sc := newScanner(bytes.NewReader(data), int64(len(data)), "fuzz.log", LSN(first))
		var off int64
		want := LSN(first)
		for {
			lsn, payload, err := sc.Next()
			if err == io.EOF {
				if off != int64(len(data)) {
					t.Fatalf("clean end at %d of %d bytes", off, len(data))
				}
				return
			}
			if err != nil {
				var ce *CorruptionError
				if !errors.As(err, &ce) || ce.Offset != off {
					t.Fatalf("error %v, want corruption at offset %d", err, off)
				}
				return
			}
			if lsn != want {
				t.Fatalf("LSN %d, want %d", lsn, want)
			}
			frame := appendFrame(nil, lsn, payload)
			if !bytes.Equal(frame, data[off:off+int64(len(frame))]) {
				t.Fatalf("record %d does not re-encode to its bytes", lsn)
			}
			off += int64(len(frame))
			want++
		}
	})
}
