package compress

import (
	"bytes"
	"testing"
)

// The fuzz targets below run their seeds as part of go test. To search
// further, one target at a time:
//
//	go test ./compress -run '^$' -fuzz '^FuzzDecodeZstd$' -fuzztime 60s
//
// Failing inputs land in testdata/fuzz/<target>/; commit them as regression
// seeds.

// fuzzMaxLen is the limit the decode targets pass: large enough for every
// seed, small enough that a lying block cannot slow the fuzzer down.
const fuzzMaxLen = 1 << 20

func FuzzDecodeNone(f *testing.F)   { fuzzDecode(f, codecs[IDNone]) }
func FuzzDecodeSnappy(f *testing.F) { fuzzDecode(f, codecs[IDSnappy]) }
func FuzzDecodeLZ4(f *testing.F)    { fuzzDecode(f, codecs[IDLZ4]) }
func FuzzDecodeZstd(f *testing.F)   { fuzzDecode(f, codecs[IDZstd]) }

// fuzzDecode checks that Decode never panics on arbitrary bytes, returns
// only its documented errors, respects maxLen, and that whatever it accepts
// survives a round trip of its own.
func fuzzDecode(f *testing.F, c Codec) {
	for _, in := range []namedInput{
		{"empty", nil},
		{"one-byte", []byte{1}},
		{"kv", kvBlock(2000, 9)},
		{"random", randomBytes(300, 10)},
		{"repeated", repeated(5000)},
	} {
		f.Add(c.Encode(nil, in.data))
	}
	for _, block := range lyingBlocks() {
		f.Add(block)
	}
	f.Add(zstdRLEFrame(2, 'z'))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, block []byte) {
		out, err := c.Decode(nil, block, fuzzMaxLen)
		checkDecodeResult(t, c, out, err, fuzzMaxLen)
		if err != nil {
			return
		}
		again, err := c.Decode(nil, c.Encode(nil, out), len(out))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("%s: accepted block decodes to %d bytes that do not survive a round trip (err %v)", c.Name(), len(out), err)
		}
	})
}

// FuzzRoundTrip checks Decode(Encode(x)) == x for every codec, with dst
// buffers that are sometimes reused and sometimes too small.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add([]byte("a"), uint8(1))
	f.Add(kvBlock(3000, 11), uint8(2))
	f.Add(randomBytes(500, 12), uint8(3))
	f.Add(repeated(10_000), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, dstCap uint8) {
		for _, c := range codecs {
			enc := c.Encode(make([]byte, 0, int(dstCap)*64), data)
			dec, err := c.Decode(make([]byte, 0, int(dstCap)*64), enc, len(data))
			if err != nil {
				t.Fatalf("%s: decoding its own %d-byte block: %v", c.Name(), len(enc), err)
			}
			if !bytes.Equal(dec, data) {
				t.Fatalf("%s: round trip of %d bytes returned %d different bytes", c.Name(), len(data), len(dec))
			}
		}
	})
}
