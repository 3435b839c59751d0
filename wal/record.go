package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// LSN is a record's log sequence number: 1 for the first record ever
// appended, then dense and increasing. 0 means "no record".
type LSN uint64

const (
	// headerSize is the frame header: crc:4 | len:4 | lsn:8.
	headerSize = 16
	// MaxRecordSize is the largest payload Append accepts. A length field
	// above it is treated as corruption, so a flipped bit in the length
	// cannot make a reader allocate gigabytes.
	MaxRecordSize = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// frameSize is the number of bytes a payload of n bytes takes in a segment.
func frameSize(n int) int64 { return headerSize + int64(n) }

// appendFrame encodes one record onto dst. The checksum covers the length,
// the LSN and the payload, so bytes left over from an older record (or a
// zeroed tail) never pass for the record that should be there.
func appendFrame(dst []byte, lsn LSN, payload []byte) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, headerSize)...)
	h := dst[start:]
	binary.LittleEndian.PutUint32(h[4:8], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:16], uint64(lsn))
	crc := crc32.Update(0, castagnoli, h[4:16])
	crc = crc32.Update(crc, castagnoli, payload)
	binary.LittleEndian.PutUint32(h[0:4], crc)
	return append(dst, payload...)
}

// scanner decodes the frames of one segment in order. It reads through
// ReaderAt in large chunks, so it works on an open file as well as on a
// byte slice (the fuzz target).
type scanner struct {
	r    io.ReaderAt
	size int64  // bytes of the segment that may be read
	name string // for errors

	off  int64 // offset of the next frame
	next LSN   // LSN the next frame must carry

	buf    []byte // buf holds segment bytes [bufOff, bufOff+len(buf))
	bufOff int64
}

const scanChunk = 256 << 10

func newScanner(r io.ReaderAt, size int64, name string, first LSN) *scanner {
	return &scanner{r: r, size: size, name: name, next: first}
}

// Next returns the next record. The payload aliases an internal buffer and
// is valid until the following call. At the clean end of the segment it
// returns io.EOF; a frame that does not decode gives a *CorruptionError and
// the scanner does not move past it.
func (s *scanner) Next() (LSN, []byte, error) {
	if s.off == s.size {
		return 0, nil, io.EOF
	}
	if s.size-s.off < headerSize {
		return 0, nil, s.corrupt(fmt.Sprintf("torn header: %d bytes left, a header needs %d", s.size-s.off, headerSize))
	}
	h, err := s.window(headerSize)
	if err != nil {
		return 0, nil, err
	}
	crc := binary.LittleEndian.Uint32(h[0:4])
	n := binary.LittleEndian.Uint32(h[4:8])
	lsn := LSN(binary.LittleEndian.Uint64(h[8:16]))
	if n > MaxRecordSize {
		if isZero(h) {
			return 0, nil, s.corrupt("zeroed bytes where a header should be")
		}
		return 0, nil, s.corrupt(fmt.Sprintf("length %d exceeds the maximum %d", n, MaxRecordSize))
	}
	if s.size-s.off < frameSize(int(n)) {
		return 0, nil, s.corrupt(fmt.Sprintf("torn record: length %d but only %d bytes left", n, s.size-s.off-headerSize))
	}
	frame, err := s.window(frameSize(int(n)))
	if err != nil {
		return 0, nil, err
	}
	got := crc32.Update(0, castagnoli, frame[4:headerSize])
	got = crc32.Update(got, castagnoli, frame[headerSize:])
	if got != crc {
		if isZero(frame[:headerSize]) {
			return 0, nil, s.corrupt("zeroed bytes where a header should be")
		}
		return 0, nil, s.corrupt(fmt.Sprintf("checksum mismatch: stored %#08x, computed %#08x", crc, got))
	}
	if lsn != s.next {
		return 0, nil, s.corrupt(fmt.Sprintf("LSN mismatch: frame carries %d", lsn))
	}
	s.off += int64(len(frame))
	s.next++
	return lsn, frame[headerSize:], nil
}

// window returns the n segment bytes at s.off, reading more if needed.
func (s *scanner) window(n int64) ([]byte, error) {
	if s.off >= s.bufOff && s.off+n <= s.bufOff+int64(len(s.buf)) {
		return s.buf[s.off-s.bufOff : s.off-s.bufOff+n], nil
	}
	want := max(n, scanChunk)
	want = min(want, s.size-s.off)
	if int64(cap(s.buf)) < want {
		s.buf = make([]byte, want)
	}
	s.buf = s.buf[:want]
	s.bufOff = s.off
	m, err := s.r.ReadAt(s.buf, s.off)
	if int64(m) < want {
		s.buf = s.buf[:0]
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("wal: read segment %s at offset %d: %w", s.name, s.off, err)
	}
	return s.buf[:n], nil
}

func (s *scanner) corrupt(reason string) error {
	return &CorruptionError{Segment: s.name, Offset: s.off, LSN: s.next, Reason: reason}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
