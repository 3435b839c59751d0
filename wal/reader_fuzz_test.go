package wal

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/aegisdb/aegis/vfs"
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

// FuzzOpen writes arbitrary bytes as the only segment and opens the log:
// Open must succeed by cutting whatever does not decode, and the log must
// then take appends that read back.
//
//	go test -run '^$' -fuzz FuzzOpen ./wal/
func FuzzOpen(f *testing.F) {
	good := segmentBytes(1, "alpha", "", "a longer payload of some bytes")
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add(append(bytes.Clone(good), 0xff, 0, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := vfs.NewMem()
		if err := fs.MkdirAll("wal"); err != nil {
			t.Fatal(err)
		}
		if err := vfs.WriteFileAtomic(fs, "wal", "wal/"+segmentName(1), data); err != nil {
			t.Fatal(err)
		}
		l, err := Open(Options{FS: fs, Dir: "wal"})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer l.Close()
		rec := l.Recovery()
		if rec.Tail == nil && rec.TailBytes != 0 || rec.Tail != nil && rec.TailBytes <= 0 {
			t.Fatalf("inconsistent recovery info %+v", rec)
		}
		lsn, err := l.Commit([]byte("after"))
		if err != nil || lsn != rec.LastLSN+1 {
			t.Fatalf("Commit = %d, %v after recovering up to %d", lsn, err, rec.LastLSN)
		}
		r, err := l.NewReader(lsn)
		if err != nil {
			t.Fatal(err)
		}
		got, p, err := r.Next()
		if err != nil || got != lsn || string(p) != "after" {
			t.Fatalf("read back %d %q %v", got, p, err)
		}
	})
}
