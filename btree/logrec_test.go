package btree

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/page"
)

// samplePages returns a page before and after a few cell changes.
func samplePages(t testing.TB) (before, after page.Page) {
	buf := make([]byte, 2048)
	p := page.Init(buf, 7, page.TypeLeaf)
	for i, c := range []string{"alpha", "bravo", "charlie"} {
		if err := p.Insert(i, appendInlineCell(nil, []byte(c), []byte("v"))); err != nil {
			t.Fatal(err)
		}
	}
	before = page.Page(bytes.Clone(p))
	p.Delete(1)
	if err := p.Insert(1, appendInlineCell(nil, []byte("beta"), bytes.Repeat([]byte("x"), 50))); err != nil {
		t.Fatal(err)
	}
	return before, p
}

func TestRecordRoundTrip(t *testing.T) {
	before, after := samplePages(t)
	full := appendFullImage(nil, 7, bytes.Clone(before))
	delta, runs := appendDelta(nil, 7, before, after, nil)
	if len(runs) == 0 || len(delta) >= len(full)+len(after)/2 {
		t.Fatalf("delta of %d bytes in %d runs, full image %d bytes", len(delta), len(runs), len(full))
	}
	rec := append([]byte{flagFirst | flagCommit}, 2)
	rec = append(append(rec, full...), delta...)
	flags, imgs, err := decodeRecord(rec, 2048)
	if err != nil || flags != flagFirst|flagCommit || len(imgs) != 2 || !imgs[0].full || imgs[1].full {
		t.Fatalf("decode: flags %d, %d images, %v", flags, len(imgs), err)
	}
	got := make([]byte, 2048)
	for i, img := range imgs {
		if err := applyImage(got, img, uint64(10+i)); err != nil {
			t.Fatal(err)
		}
	}
	// Everything past the checksum and LSN matches the live page.
	if !bytes.Equal(got[deltaFrom:], after[deltaFrom:]) {
		t.Fatal("full image plus delta does not rebuild the page")
	}
	if page.Page(got).LSN() != 11 {
		t.Fatalf("page LSN %d, want the record's 11", page.Page(got).LSN())
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	before, _ := samplePages(t)
	full := appendFullImage(nil, 7, bytes.Clone(before))
	cases := map[string][]byte{
		"empty":            nil,
		"bad flags":        append([]byte{0x80, 1}, full...),
		"count too high":   append([]byte{flagFirst, 2}, full...),
		"trailing bytes":   append(append([]byte{flagFirst, 1}, full...), 0),
		"truncated":        append([]byte{flagFirst, 1}, full[:len(full)-1]...),
		"header page":      append([]byte{flagFirst, 1}, binary.LittleEndian.AppendUint32(nil, 0)...),
		"unknown kind":     append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), 9),
		"delta off page":   append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), kindDelta, 1, 0xff, 0x7f, 1, 0),
		"delta on lsn":     append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), kindDelta, 1, 8, 1, 0),
		"image too big":    append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), kindFull, 0x80, 0x20),
		"huge run count":   append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), kindDelta, 0xff, 0xff, 0x03),
		"head under 40":    append(append([]byte{flagFirst, 1}, 7, 0, 0, 0), kindFull, 1, 0, 0),
		"count varint bad": {flagFirst, 0x80},
	}
	for name, rec := range cases {
		if _, _, err := decodeRecord(rec, 2048); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// FuzzDecodeRecord: any bytes as a log record either fail to decode with
// ErrCorrupt or decode to images that apply to a page without panicking.
//
//	go test ./btree -run '^$' -fuzz '^FuzzDecodeRecord$' -fuzztime 60s
func FuzzDecodeRecord(f *testing.F) {
	before, after := samplePages(f)
	full := appendFullImage(nil, 7, bytes.Clone(before))
	delta, _ := appendDelta(nil, 7, before, after, nil)
	f.Add(append([]byte{flagFirst, 1}, full...))
	f.Add(append([]byte{flagCommit, 1}, delta...))
	f.Add(append(append([]byte{flagFirst | flagCommit, 2}, full...), delta...))
	f.Fuzz(func(t *testing.T, rec []byte) {
		_, imgs, err := decodeRecord(rec, 2048)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not match ErrCorrupt", err)
			}
			return
		}
		buf := make([]byte, 2048)
		for _, img := range imgs {
			_ = applyImage(buf, img, 1)
		}
	})
}
