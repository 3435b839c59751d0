package invindex

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

func TestBlockRoundTrip(t *testing.T) {
	ps := []posting{{doc: 10, length: 5, tf: 2, pos: []uint32{0, 3}}, {doc: 11, length: 1, tf: 1, pos: []uint32{0}}, {doc: 900, length: 70, tf: 3, pos: []uint32{5, 6, 69}}}
	key := binary.BigEndian.AppendUint32([]byte("k"), 10)
	got, err := decodeBlockAt(key, encodeBlock(10, ps))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ps) {
		t.Fatalf("got %d postings", len(got))
	}
	for i := range ps {
		if got[i].doc != ps[i].doc || got[i].length != ps[i].length || got[i].tf != ps[i].tf || !slices.Equal(got[i].pos, ps[i].pos) {
			t.Fatalf("posting %d: %+v, want %+v", i, got[i], ps[i])
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	key := binary.BigEndian.AppendUint32([]byte("k"), 0)
	// | count | span | docs-len | freqs-len | docs | freqs | positions |
	blocks := map[string][]byte{
		"empty":               nil,
		"count too big":       {200, 0, 0, 0},
		"zero count":          {0, 0, 0, 0},
		"sections overrun":    {1, 0, 1, 9, 0, 1, 1},
		"no frequencies":      {1, 0, 1, 0, 0, 0},
		"half frequencies":    {1, 0, 1, 1, 0, 1, 0},
		"zero tf":             {1, 0, 1, 2, 0, 1, 0, 0},
		"same doc":            {2, 0, 2, 4, 0, 0, 1, 1, 1, 1, 0, 0},
		"last is not span":    {1, 5, 1, 2, 0, 1, 1, 0},
		"doc beyond span":     {1, 0, 1, 2, 3, 1, 1, 0},
		"trailing docs":       {1, 0, 2, 2, 0, 9, 1, 1, 0},
		"trailing freqs":      {1, 0, 1, 3, 0, 1, 1, 9, 0},
		"trailing positions":  {1, 0, 1, 2, 0, 1, 1, 0, 9},
		"missing positions":   {1, 0, 1, 2, 0, 1, 2, 0},
		"position not varint": {1, 0, 1, 2, 0, 1, 1, 0x80},
		"span overflows":      {1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 0, 1, 1, 0},
	}
	// the same shapes decode when well formed
	if ps, err := decodeBlockAt(key, []byte{2, 4, 2, 4, 0, 4, 3, 1, 5, 2, 0, 1, 3}); err != nil || len(ps) != 2 || ps[1].doc != binary.BigEndian.Uint32(key[len(key)-4:])+4 || !slices.Equal(ps[1].pos, []uint32{1, 4}) {
		t.Fatalf("well-formed block: %+v, %v", ps, err)
	}
	for name, b := range blocks {
		if _, err := decodeBlockAt(key, b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("block %s: %v, want ErrCorrupt", name, err)
		}
	}
	docs := map[string][]byte{
		"empty":     nil,
		"short num": {0, 0, 1},
		"overrun":   {0, 0, 0, 1, 1, 9, 'a'},
		"trailing":  {0, 0, 0, 1, 0, 7},
	}
	for name, b := range docs {
		if _, err := decodeDoc(key, b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("doc %s: %v, want ErrCorrupt", name, err)
		}
	}
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(uint32(10), encodeBlock(10, []posting{{doc: 10, length: 5, tf: 2, pos: []uint32{0, 3}}, {doc: 12, length: 1, tf: 1, pos: []uint32{0}}}))
	f.Add(uint32(0), []byte{1, 0, 1, 2, 0, 1, 0})
	f.Add(uint32(7), []byte{2, 4, 2, 4, 0, 4, 3, 1, 5, 2, 0, 1, 3})
	f.Fuzz(func(t *testing.T, base uint32, data []byte) {
		key := binary.BigEndian.AppendUint32([]byte("k"), base)
		ps, err := decodeBlockAt(key, data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		again, err := decodeBlockAt(key, encodeBlock(base, ps))
		if err != nil || len(again) != len(ps) {
			t.Fatalf("re-decode: %v", err)
		}
		for i := range ps {
			if again[i].doc != ps[i].doc || !slices.Equal(again[i].pos, ps[i].pos) {
				t.Fatalf("posting %d changed", i)
			}
		}
	})
}

func FuzzDecodeDoc(f *testing.F) {
	f.Add(encodeDoc(docRecord{num: 3, fields: []fieldTerms{{field: "title", length: 4, terms: []string{"a", "b"}}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeDoc([]byte("k"), data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		if string(encodeDoc(r)) != string(data) {
			t.Fatalf("re-encode differs")
		}
	})
}

func TestSpliceBlocks(t *testing.T) {
	old := []posting{{doc: 10, length: 5, tf: 2, pos: []uint32{0, 3}}, {doc: 300, length: 1, tf: 1, pos: []uint32{0}}}
	add := []posting{{doc: 301, length: 7, tf: 1, pos: []uint32{6}}, {doc: 100000, length: 200, tf: 3, pos: []uint32{1, 150, 199}}}
	a, err := parseBlock(8, encodeBlock(8, old))
	if err != nil {
		t.Fatal(err)
	}
	got, err := spliceBlocks(a, sealed{base: 301, value: encodeBlock(301, add)})
	if err != nil {
		t.Fatal(err)
	}
	if want := encodeBlock(8, append(slices.Clone(old), add...)); !slices.Equal(got, want) {
		t.Fatalf("spliced %v, want %v", got, want)
	}
	if _, err := spliceBlocks(a, sealed{base: 300, value: encodeBlock(300, []posting{{doc: 300, length: 1, tf: 1, pos: []uint32{0}}})}); err == nil {
		t.Fatal("splicing a block that starts inside the old one succeeded")
	}
}
