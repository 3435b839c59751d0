package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

// segmentBytes encodes payloads as a segment starting at first.
func segmentBytes(first LSN, payloads ...string) []byte {
	var b []byte
	for i, p := range payloads {
		b = appendFrame(b, first+LSN(i), []byte(p))
	}
	return b
}

func scanAll(data []byte, first LSN) (got []string, err error) {
	sc := newScanner(bytes.NewReader(data), int64(len(data)), "test.log", first)
	for {
		_, p, err := sc.Next()
		if err != nil {
			return got, err
		}
		got = append(got, string(p))
	}
}

func TestFrameLayout(t *testing.T) {
	b := appendFrame(nil, 7, []byte("abc"))
	if len(b) != headerSize+3 {
		t.Fatalf("frame is %d bytes, want %d", len(b), headerSize+3)
	}
	if n := binary.LittleEndian.Uint32(b[4:8]); n != 3 {
		t.Errorf("len field = %d, want 3", n)
	}
	if lsn := binary.LittleEndian.Uint64(b[8:16]); lsn != 7 {
		t.Errorf("lsn field = %d, want 7", lsn)
	}
	if string(b[16:]) != "abc" {
		t.Errorf("payload = %q", b[16:])
	}
}

func TestScannerCorruption(t *testing.T) {
	good := segmentBytes(5, "alpha", "", "gamma")
	second := int64(headerSize + 5) // offset of the second frame
	third := second + headerSize
	flip := func(off int) []byte {
		b := bytes.Clone(good)
		b[off] ^= 0x40
		return b
	}
	tests := []struct {
		name    string
		data    []byte
		first   LSN
		want    []string // records before the error
		offset  int64    // offset of the failing frame; -1 for a clean end
		reasonS string
	}{
		{"clean", good, 5, []string{"alpha", "", "gamma"}, -1, ""},
		{"empty segment", nil, 5, nil, -1, ""},
		{"torn header", good[:third+10], 5, []string{"alpha", ""}, third, "torn header"},
		{"torn payload", good[:len(good)-1], 5, []string{"alpha", ""}, third, "torn record"},
		{"flipped payload byte", flip(int(third) + headerSize + 1), 5, []string{"alpha", ""}, third, "checksum mismatch"},
		{"flipped crc byte", flip(0), 5, nil, 0, "checksum mismatch"},
		{"flipped lsn byte", flip(int(second) + 8), 5, []string{"alpha"}, second, "checksum mismatch"},
		{"huge length", flip(int(second) + 7), 5, []string{"alpha"}, second, "exceeds the maximum"},
		{"zeroed tail", append(bytes.Clone(good[:second]), make([]byte, 64)...), 5, []string{"alpha"}, second, "zeroed bytes"},
		{"stale record from another position", good, 6, nil, 0, "LSN mismatch: frame carries 5"},
		{"old segment content after new records", append(segmentBytes(9, "new"), good[second:]...), 9, []string{"new"}, headerSize + 3, "LSN mismatch: frame carries 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scanAll(tt.data, tt.first)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || len(got) != len(tt.want) {
				t.Errorf("records = %q, want %q", got, tt.want)
			}
			if tt.offset < 0 {
				if err != io.EOF {
					t.Fatalf("err = %v, want io.EOF", err)
				}
				return
			}
			var ce *CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want a *CorruptionError", err)
			}
			if ce.Offset != tt.offset || !strings.Contains(ce.Reason, tt.reasonS) {
				t.Errorf("corruption at %d %q, want offset %d reason containing %q", ce.Offset, ce.Reason, tt.offset, tt.reasonS)
			}
		})
	}
}

func TestSegmentNames(t *testing.T) {
	if got := segmentName(1); got != "00000000000000000001.log" {
		t.Errorf("segmentName(1) = %q", got)
	}
	for name, want := range map[string]LSN{
		"00000000000000000001.log": 1,
		"00000000000000123456.log": 123456,
		"18446744073709551615.log": 1<<64 - 1,
		"00000000000000000000.log": 0, // LSN 0 never starts a segment
		"0000000000000000001.log":  0,
		"00000000000000000001.tmp": 0,
		"LOCK":                     0,
		"1844674407370955161x.log": 0,
	} {
		got, ok := parseSegmentName(name)
		if ok != (want != 0) || got != want {
			t.Errorf("parseSegmentName(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	segs := []segment{{first: 1}, {first: 10}, {first: 20}}
	for lsn, want := range map[LSN]int{0: -1, 1: 0, 9: 0, 10: 1, 19: 1, 20: 2, 1000: 2} {
		if got := findSegment(segs, lsn); got != want {
			t.Errorf("findSegment(%d) = %d, want %d", lsn, got, want)
		}
	}
}
