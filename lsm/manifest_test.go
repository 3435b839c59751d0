package lsm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/vfs"
)

// TestManifestTornTailAndDamage writes a manifest of three records and
// checks what readManifest makes of its damaged variants: a torn last
// record (cut short, garbled, or zeros) ends the log; a garbled record
// with another after it is corruption.
func TestManifestTornTailAndDamage(t *testing.T) {
	fs := vfs.NewMem()
	if err := fs.MkdirAll("db"); err != nil {
		t.Fatal(err)
	}
	w, err := createManifest(fs, "db", 1, snapshotEdit(&version{}, 0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64 // end offset of each record
	sizes = append(sizes, w.size)
	for i := uint64(1); i <= 2; i++ {
		e := &versionEdit{}
		e.setLastSeq(100 * i)
		if err := w.append(e); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, w.size)
	}
	w.f.Close()
	good, err := vfs.ReadFile(fs, "db/"+manifestName(1))
	if err != nil {
		t.Fatal(err)
	}
	read := func(data []byte) (*recoveredState, error) {
		if err := vfs.WriteFileAtomic(fs, "db", "db/"+manifestName(2), data); err != nil {
			t.Fatal(err)
		}
		return readManifest(fs, "db", manifestName(2))
	}
	mustRead := func(what string, data []byte, lastSeq uint64) {
		t.Helper()
		st, err := read(data)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if st.lastSeq != lastSeq {
			t.Fatalf("%s: lastSeq %d, want %d", what, st.lastSeq, lastSeq)
		}
	}
	mustRead("intact", good, 200)
	mustRead("last record cut short", good[:len(good)-3], 100)
	mustRead("last record header cut", good[:sizes[1]+5], 100)
	garbledLast := bytes.Clone(good)
	garbledLast[len(garbledLast)-1] ^= 0xff
	mustRead("last record garbled", garbledLast, 100)
	zeroTail := append(bytes.Clone(good[:sizes[1]]), make([]byte, 40)...)
	mustRead("zeros after the second record", zeroTail, 100)

	garbledMiddle := bytes.Clone(good)
	garbledMiddle[sizes[1]-1] ^= 0xff
	_, err = read(garbledMiddle)
	var ce *CorruptionError
	if !errors.As(err, &ce) || ce.Offset != sizes[0] {
		t.Fatalf("garbled middle record: got %v, want a CorruptionError at offset %d", err, sizes[0])
	}
}
