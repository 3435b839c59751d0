package compress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func allCodecs(t testing.TB) []Codec {
	t.Helper()
	var cs []Codec
	for _, name := range Names() {
		c, err := Lookup(name)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", name, err)
		}
		cs = append(cs, c)
	}
	return cs
}

func TestRoundTrip(t *testing.T) {
	for _, c := range allCodecs(t) {
		for _, in := range sampleInputs() {
			t.Run(c.Name()+"/"+in.name, func(t *testing.T) {
				enc := c.Encode(nil, in.data)
				dec, err := c.Decode(nil, enc, len(in.data))
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if !bytes.Equal(dec, in.data) {
					t.Fatalf("round trip changed %d bytes into %d different bytes", len(in.data), len(dec))
				}
				if len(in.data) >= 64<<10 && strings.HasPrefix(in.name, "repeated") && c.ID() != IDNone && len(enc) > len(in.data)/10 {
					t.Errorf("repeated input compressed only to %d of %d bytes", len(enc), len(in.data))
				}
			})
		}
	}
}

// TestBuffersAreReused checks the dst contract: a large enough dst is
// written in place, whatever it held before, and a small one is not
// written past its capacity.
func TestBuffersAreReused(t *testing.T) {
	in := kvBlock(8<<10, 5)
	for _, c := range allCodecs(t) {
		t.Run(c.Name(), func(t *testing.T) {
			encBuf := bytes.Repeat([]byte{0xee}, 2*len(in)+1024)
			enc := c.Encode(encBuf, in)
			if &enc[0] != &encBuf[0] {
				t.Errorf("Encode allocated although dst had room for %d bytes", cap(encBuf))
			}
			enc = bytes.Clone(enc)

			decBuf := bytes.Repeat([]byte{0xee}, len(in))
			dec, err := c.Decode(decBuf[:0], enc, len(in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if &dec[0] != &decBuf[0] {
				t.Errorf("Decode allocated although dst had room for %d bytes", cap(decBuf))
			}
			if !bytes.Equal(dec, in) {
				t.Fatalf("Decode into a reused buffer changed the block")
			}

			// A too-small dst with a neighbour behind it: the neighbour
			// must survive.
			backing := bytes.Repeat([]byte{0xee}, 32)
			small := backing[:0:16]
			if dec, err = c.Decode(small, enc, len(in)); err != nil || !bytes.Equal(dec, in) {
				t.Fatalf("Decode into a small buffer: err %v, equal %v", err, bytes.Equal(dec, in))
			}
			if !bytes.Equal(backing[16:], bytes.Repeat([]byte{0xee}, 16)) {
				t.Fatalf("Decode wrote past the capacity of dst")
			}
		})
	}
}

func TestDecodeEnforcesMaxLen(t *testing.T) {
	in := repeated(10_000)
	for _, c := range allCodecs(t) {
		enc := c.Encode(nil, in)
		for _, tc := range []struct {
			maxLen int
			ok     bool
		}{
			{len(in), true},
			{len(in) + 1, true},
			{len(in) - 1, false},
			{0, false},
			{-1, false},
		} {
			_, err := c.Decode(nil, enc, tc.maxLen)
			if tc.ok && err != nil {
				t.Errorf("%s: maxLen %d: %v", c.Name(), tc.maxLen, err)
			}
			if !tc.ok && !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s: maxLen %d: got %v, want ErrTooLarge", c.Name(), tc.maxLen, err)
			}
		}
		// An empty block fits any limit, even a negative one.
		if _, err := c.Decode(nil, c.Encode(nil, nil), -1); err != nil {
			t.Errorf("%s: empty block with maxLen -1: %v", c.Name(), err)
		}
	}
}

// zstdRLEFrame builds a zstd frame by hand that declares no content size
// and expands to blocks*128 KiB copies of one byte, from a few dozen bytes.
func zstdRLEFrame(blocks int, b byte) []byte {
	const blockSize = 128 << 10
	frame := binary.LittleEndian.AppendUint32(nil, zstdMagic)
	frame = append(frame, 0x00) // no content size, no checksum, no dictionary, multi-segment
	frame = append(frame, 7<<3) // window descriptor: 2^(10+7) = 128 KiB
	for i := range blocks {
		header := uint32(zstdBlockTypeRLE<<1 | blockSize<<3)
		if i == blocks-1 {
			header |= 1 // last block
		}
		frame = append(frame, byte(header), byte(header>>8), byte(header>>16), b)
	}
	return frame
}

func TestZstdFrameWithoutContentSize(t *testing.T) {
	frame := zstdRLEFrame(8, 'x')
	dec, err := codecs[IDZstd].Decode(nil, frame, 1<<20)
	if err != nil {
		t.Fatalf("Decode of a %d-byte RLE frame: %v", len(frame), err)
	}
	if !bytes.Equal(dec, bytes.Repeat([]byte{'x'}, 1<<20)) {
		t.Fatalf("RLE frame decoded to %d bytes, want 1 MiB of 'x'", len(dec))
	}
	for _, maxLen := range []int{1<<20 - 1, 1, 0} {
		if _, err := codecs[IDZstd].Decode(nil, frame, maxLen); !errors.Is(err, ErrTooLarge) {
			t.Errorf("RLE frame of 1 MiB with maxLen %d: got %v, want ErrTooLarge", maxLen, err)
		}
	}
}

// TestZstdOneByteFrameWithoutContentSize covers the spare output byte that
// Decode gives the C decoder for a limit of 0.
func TestZstdOneByteFrameWithoutContentSize(t *testing.T) {
	frame := binary.LittleEndian.AppendUint32(nil, zstdMagic)
	frame = append(frame, 0x00, 0x00)                            // no content size; window 1 KiB
	frame = append(frame, 1|zstdBlockTypeRLE<<1|1<<3, 0, 0, 'q') // last RLE block of 1 byte
	if _, err := codecs[IDZstd].Decode(nil, frame, 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1-byte frame with maxLen 0: got %v, want ErrTooLarge", err)
	}
	if out, err := codecs[IDZstd].Decode(nil, frame, 1); err != nil || string(out) != "q" {
		t.Errorf("1-byte frame with maxLen 1: got %q, %v", out, err)
	}
}

// lyingBlocks are small blocks that claim a huge decompressed size.
func lyingBlocks() map[Codec][]byte {
	const claim = 1 << 40
	lz := binary.AppendUvarint(nil, claim)
	lz = append(lz, 0x10, 'a') // a token with one literal
	zs := binary.LittleEndian.AppendUint32(nil, zstdMagic)
	zs = append(zs, 0xc0) // 8-byte content size, multi-segment
	zs = append(zs, 7<<3)
	zs = binary.LittleEndian.AppendUint64(zs, claim)
	zs = append(zs, 0x01, 0, 0) // last raw block of 0 bytes
	return map[Codec][]byte{
		codecs[IDSnappy]: binary.AppendUvarint(nil, 1<<31),
		codecs[IDLZ4]:    lz,
		codecs[IDZstd]:   zs,
	}
}

// TestLyingHeaderDoesNotAllocate is the decompression-bomb test: blocks of a
// few bytes that claim terabytes (or, for zstd, expand to 8 MiB without
// saying so) must be refused without allocating past maxLen.
func TestLyingHeaderDoesNotAllocate(t *testing.T) {
	const maxLen = 64 << 10
	blocks := lyingBlocks()
	blocks[codecs[IDZstd]] = zstdRLEFrame(64, 'x') // and the one that does not declare it
	for c, block := range blocks {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := c.Decode(nil, block, maxLen)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: got %v, want ErrTooLarge", c.Name(), err)
		}
		// The bound is loose (other goroutines of the test binary may
		// allocate meanwhile) but far below what the blocks claim.
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2*maxLen {
			t.Errorf("%s: allocated %d bytes for a refused block, limit %d", c.Name(), allocated, maxLen)
		}
	}
	// The codecs whose header declares the size refuse before allocating
	// any output: what they allocate is the error message.
	for c, block := range lyingBlocks() {
		const runs = 100
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			c.Decode(nil, block, maxLen)
		}
		runtime.ReadMemStats(&after)
		if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 1<<10 {
			t.Errorf("%s: allocated %d bytes per refusal of a lying header", c.Name(), perRun)
		}
	}
}

func TestCorruptBlocks(t *testing.T) {
	valid := func(id byte) []byte { return codecs[id].Encode(nil, kvBlock(1000, 6)) }
	withByte := func(b []byte, i int, v byte) []byte { b = bytes.Clone(b); b[i] = v; return b }
	zs := valid(IDZstd)
	cases := []struct {
		name  string
		id    byte
		block []byte
	}{
		{"empty", IDSnappy, nil},
		{"varint-overflow", IDSnappy, bytes.Repeat([]byte{0xff}, 11)},
		{"header-only", IDSnappy, []byte{10}},
		{"truncated", IDSnappy, valid(IDSnappy)[:100]},
		{"trailing-byte", IDSnappy, append(valid(IDSnappy), 0)},
		{"empty", IDLZ4, nil},
		{"varint-overflow", IDLZ4, bytes.Repeat([]byte{0xff}, 11)},
		{"header-only", IDLZ4, []byte{10}},
		{"short-body", IDLZ4, []byte{3, 0x10, 'a'}},
		{"long-body", IDLZ4, []byte{1, 0x20, 'a', 'b'}},
		{"offset-before-start", IDLZ4, []byte{8, 0x14, 'a', 0x05, 0x00}},
		{"truncated", IDLZ4, valid(IDLZ4)[:100]},
		{"empty", IDZstd, nil},
		{"short", IDZstd, zs[:4]},
		{"bad-magic", IDZstd, withByte(zs, 0, 0x29)},
		{"skippable-frame", IDZstd, append([]byte{0x50, 0x2a, 0x4d, 0x18, 1, 0, 0, 0, 0}, zs...)},
		{"reserved-bit", IDZstd, withByte(zs, 4, zs[4]|0x08)},
		{"dictionary", IDZstd, []byte{0x28, 0xb5, 0x2f, 0xfd, 0x21, 0x07, 0x00, 0x01, 0x00, 0x00}},
		{"reserved-block-type", IDZstd, []byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x07, 0x00, 0x00}},
		{"truncated-block", IDZstd, zs[:len(zs)-1]},
		{"trailing-byte", IDZstd, append(bytes.Clone(zs), 0)},
		{"two-frames", IDZstd, append(bytes.Clone(zs), zs...)},
		{"raw-block-size-lies", IDZstd, []byte{0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x02, 0x09, 0x00, 0x00, 'a'}},
	}
	for _, tc := range cases {
		c := codecs[tc.id]
		t.Run(c.Name()+"/"+tc.name, func(t *testing.T) {
			out, err := c.Decode(nil, tc.block, 1<<20)
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got (%d bytes, %v), want a *CorruptError", len(out), err)
			}
			if ce.Codec != c.Name() || !strings.HasPrefix(err.Error(), "compress: "+c.Name()+": corrupt block") {
				t.Fatalf("error %q does not name codec %s", err, c.Name())
			}
			t.Log(err)
		})
	}
}

// TestTruncatedBlocksAreRefused cuts valid blocks at every length: each
// strict prefix must be refused (no codec here can end early and look
// whole), and none may panic.
func TestTruncatedBlocksAreRefused(t *testing.T) {
	in := kvBlock(600, 7)
	for _, c := range allCodecs(t) {
		if c.ID() == IDNone {
			continue // every prefix of an uncompressed block is a valid block
		}
		enc := c.Encode(nil, in)
		for n := range len(enc) {
			if out, err := c.Decode(nil, enc[:n], len(in)); err == nil {
				t.Errorf("%s: prefix of %d of %d bytes decoded to %d bytes without error", c.Name(), n, len(enc), len(out))
			}
		}
	}
}

// TestFlippedBytesNeverPanic flips every byte of valid blocks. A codec
// without a checksum may decode a flipped block to other bytes; it must
// just never panic or return an error of another kind.
func TestFlippedBytesNeverPanic(t *testing.T) {
	in := kvBlock(600, 8)
	for _, c := range allCodecs(t) {
		enc := c.Encode(nil, in)
		for i := range enc {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				block := bytes.Clone(enc)
				block[i] ^= mask
				out, err := c.Decode(nil, block, len(in)+100)
				checkDecodeResult(t, c, out, err, len(in)+100)
			}
		}
	}
}

// checkDecodeResult holds for any Decode call, whatever the input.
func checkDecodeResult(t testing.TB, c Codec, out []byte, err error, maxLen int) {
	t.Helper()
	switch {
	case err == nil && len(out) > max(maxLen, 0):
		t.Fatalf("%s: decoded %d bytes, over maxLen %d", c.Name(), len(out), maxLen)
	case err != nil && out != nil:
		t.Fatalf("%s: returned %d bytes with error %v", c.Name(), len(out), err)
	case err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge):
		t.Fatalf("%s: error %v is neither ErrCorrupt nor ErrTooLarge", c.Name(), err)
	}
}

func TestLookup(t *testing.T) {
	if got, want := strings.Join(Names(), ","), "none,snappy,lz4,zstd"; got != want {
		t.Fatalf("Names() = %s, want %s", got, want)
	}
	for i, name := range Names() {
		c, err := Lookup(name)
		if err != nil || c.Name() != name {
			t.Fatalf("Lookup(%q) = %v, %v", name, c, err)
		}
		if int(c.ID()) != i {
			t.Errorf("%s has ID %d, want %d (IDs are on disk and must not change)", name, c.ID(), i)
		}
		byID, err := ByID(c.ID())
		if err != nil || byID.Name() != name {
			t.Errorf("ByID(%d) = %v, %v, want %s", c.ID(), byID, err, name)
		}
	}
	for _, name := range []string{"", "ZSTD", "gzip", " lz4"} {
		_, err := Lookup(name)
		if !errors.Is(err, ErrUnknownCodec) {
			t.Errorf("Lookup(%q): got %v, want ErrUnknownCodec", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "none, snappy, lz4, zstd") {
			t.Errorf("Lookup(%q) error %q does not list the allowed names", name, err)
		}
	}
	for _, id := range []byte{4, 200, 255} {
		if _, err := ByID(id); !errors.Is(err, ErrUnknownCodec) {
			t.Errorf("ByID(%d): got %v, want ErrUnknownCodec", id, err)
		}
	}
	names := Names()
	names[0] = "changed"
	if Names()[0] != "none" {
		t.Errorf("Names returned the package's own slice")
	}
}

// TestConcurrentUse has goroutines share every codec, as LSM readers and
// compactions do; the pooled LZ4 tables and zstd contexts must not leak
// state between them. Run it with -race.
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				in := kvBlock(1000+i*37, uint64(g*1000+i))
				for _, c := range codecs {
					dec, err := c.Decode(nil, c.Encode(nil, in), len(in))
					if err != nil || !bytes.Equal(dec, in) {
						t.Errorf("%s: goroutine %d round %d: err %v, equal %v", c.Name(), g, i, err, bytes.Equal(dec, in))
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
