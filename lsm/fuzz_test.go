package lsm

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/vfs"
)

// Fuzz targets for every decoder of on-disk bytes. Seeds live in
// testdata/fuzz; run longer with
//
//	go test ./lsm -run '^$' -fuzz '^FuzzBlock$' -fuzztime 60s
//	go test ./lsm -run '^$' -fuzz '^FuzzOpenTable$' -fuzztime 60s
//	go test ./lsm -run '^$' -fuzz '^FuzzVersionEdit$' -fuzztime 60s

// sampleBlock builds a valid data block of n entries.
func sampleBlock(n, restart int) []byte {
	var b blockBuilder
	b.restartInterval = restart
	for i := 0; i < n; i++ {
		k := appendIkey(nil, ikey{ukey: fmt.Appendf(nil, "key%04d", i), trailer: makeTrailer(uint64(i+1), kindSet)})
		b.add(k, fmt.Appendf(nil, "value%d", i))
	}
	return append([]byte(nil), b.finish()...)
}

// walkBlock drives every method of a block iterator; it must not panic.
func walkBlock(data []byte) {
	blk, err := parseBlock(data)
	if err != nil {
		return
	}
	for _, plain := range []bool{false, true} {
		it := newBlockIter(blk, plain)
		n := 0
		for ok := it.First(); ok && n < 10000; ok = it.Next() {
			n++
		}
		for ok := it.Last(); ok && n < 20000; ok = it.Prev() {
			n++
		}
		it.SeekGE([]byte("key0003\x00\x00\x00\x00\x00\x00\x00\x00"))
		it.SeekLT([]byte("key0005"))
		it.Prev()
		it.Next()
	}
}

func FuzzBlock(f *testing.F) {
	f.Add(sampleBlock(10, 4))
	f.Add(sampleBlock(1, 1))
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) { walkBlock(data) })
}

// sampleTable returns the bytes of a valid table.
func sampleTable(t testing.TB, n int, codec string) []byte {
	fs := vfs.NewMem()
	f, err := fs.Create("t.sst")
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := Options{Dir: "x", BlockSize: 128, RestartInterval: 3, Compression: codec}.withDefaults()
	w, err := newTableWriter(f, "t.sst", &opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		k := kindSet
		if i%5 == 4 {
			k = kindDelete
		}
		var v []byte
		if k == kindSet {
			v = bytes.Repeat([]byte{byte('a' + i%26)}, i%40)
		}
		if err := w.add(ikey{ukey: fmt.Appendf(nil, "key%04d", i), trailer: makeTrailer(uint64(i+1), k)}, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.finish(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := vfs.ReadFile(fs, "t.sst")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// walkTable opens data as a table and reads all of it; errors are fine,
// panics are not.
func walkTable(data []byte) error {
	fs := vfs.NewMem()
	f, _ := fs.Create("f.sst")
	f.Write(data)
	t, err := openTable(f, "f.sst", 1, newBlockCache(1<<20), &readStats{})
	if err != nil {
		return err
	}
	it := t.newIter()
	n := 0
	for ok := it.First(); ok && n < 100000; ok = it.Next() {
		n++
	}
	firstErr := it.Err()
	for ok := it.Last(); ok && n < 200000; ok = it.Prev() {
		n++
	}
	if firstErr == nil {
		firstErr = it.Err()
	}
	it.SeekGE(ikey{ukey: []byte("key0010"), trailer: makeTrailer(maxSeq, kindMax)})
	it.SeekLT(ikey{ukey: []byte("key0020"), trailer: 0})
	if _, _, _, err := t.get([]byte("key0007"), bloomHash([]byte("key0007")), maxSeq); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

func FuzzOpenTable(f *testing.F) {
	for _, codec := range []string{"none", "snappy"} {
		f.Add(sampleTable(f, 30, codec))
	}
	f.Add(make([]byte, footerLen))
	f.Fuzz(func(t *testing.T, data []byte) { walkTable(data) })
}

func FuzzVersionEdit(f *testing.F) {
	e := &versionEdit{}
	e.setLogLSN(7)
	e.setNextFile(9)
	e.setLastSeq(100)
	e.deleted = append(e.deleted, deletedFile{1, 3})
	e.added = append(e.added, addedFile{2, &fileMeta{num: 4, size: 1000,
		smallest: ikey{ukey: []byte("a"), trailer: 5}, largest: ikey{ukey: []byte("z"), trailer: 6}}})
	f.Add(e.encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := decodeEdit(data)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode to bytes that decode the same.
		e2, err := decodeEdit(e.encode())
		if err != nil || len(e2.added) != len(e.added) || len(e2.deleted) != len(e.deleted) {
			t.Fatalf("re-decoding a decoded edit: %v", err)
		}
	})
}

// TestTableCorruptionIsReported flips every byte of a table in turn: each
// flip must give an error or (where the byte is not covered by any check,
// which our format does not have) the same entries, and never a panic.
func TestTableCorruptionIsReported(t *testing.T) {
	good := sampleTable(t, 40, "snappy")
	if err := walkTable(good); err != nil {
		t.Fatalf("valid table: %v", err)
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x41
		if err := walkTable(bad); err == nil {
			t.Fatalf("flipping byte %d of %d went unnoticed", i, len(good))
		}
	}
	for n := 0; n < len(good); n += 7 {
		if err := walkTable(good[:n]); err == nil {
			t.Fatalf("table cut to %d of %d bytes opened", n, len(good))
		}
	}
}
