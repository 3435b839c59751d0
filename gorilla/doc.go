// Package gorilla compresses time-series chunks: timestamps as
// delta-of-deltas and float values XORed with their predecessor, after
// Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series
// Database" (VLDB 2015), section 4.1, plus a decimal-aware value codec
// chosen per chunk when it is smaller.
//
// Uses: nothing of the module. Used by: model/timeseries.
//
//	e := gorilla.NewEncoder()
//	e.Append(t, v)                 // streaming: any int64 t, any float64 v
//	chunk, err := e.Bytes()        // XOR chunk of the points so far
//	chunk, err = e.Seal()          // smaller of XOR and decimal
//	it, err := gorilla.Decode(chunk)
//	for it.Next() { t, v := it.At() }   // lazy, one point per Next
//	err = it.Err()                 // *CorruptionError (errors.Is ErrCorrupt)
//
// # Chunk format
//
//	codec 0 (XOR):     | version<<4 | 0 :1 | count: uvarint | t0 v0 t1 v1 t2 v2 ... (one bit stream) |
//	codec 1 (decimal): | version<<4 | 1 :1 | count: uvarint | tsLen: uvarint |
//	                   | timestamp stream: tsLen bytes | decimal value stream |
//
// Bit streams are written most significant bit first; varints inside them
// are 8-bit groups. Timestamps:
//
//	t0: zigzag varint | t1-t0: sign bit + varint of the magnitude |
//	then per point, dod = (t_i - t_(i-1)) - (t_(i-1) - t_(i-2)):
//	  '0'                   dod == 0
//	  '10'   + 9 bits       -256 <= dod < 256
//	  '110'  + 14 bits      -8192 <= dod < 8192
//	  '1110' + 20 bits      -2^19 <= dod < 2^19
//	  '1111' + 64 bits      anything (wrapping arithmetic, so every int64
//	                        sequence round-trips, ordered or not)
//
// XOR values: the first value's 64 bits, then per value
// x = bits(v) ^ bits(prev):
//
//	'0'                                   x == 0
//	'10' + meaningful bits                x fits the current window
//	'11' + lead:5 + len:6 (64 as 0) + len meaningful bits   new window
//
// Decimal values: see decimal.go — scale, first scaled integer, then
// blocks of 64 deltas with a frame of reference and a bit width.
//
// # Invariants
//
//   - Decode(e.Bytes()) and Decode(e.Seal()) give back every appended point
//     bit for bit (NaN payloads, -0 and infinities included).
//   - Seal never returns a chunk longer than Bytes.
//   - No input makes the decoder panic or allocate more than the chunk's
//     size bounds: the count is checked against the timestamp stream's
//     length, and every read past the end becomes a CorruptionError.
//
// # Differences from the paper and from Prometheus chunkenc
//
//   - The dod buckets are widened for millisecond timestamps (9/14/20 bits
//     rather than the paper's 7/9/12 for seconds); against chunkenc's
//     14/17/20 they save 5 bits for |dod| < 256 and lose one for
//     256..8191.
//   - A new XOR window is opened whenever that is cheaper than reusing the
//     current one (chunkenc reuses whenever it fits).
//   - A decimal chunk keeps timestamps and values in two streams (so the
//     value stream can be read block by block); that costs the tsLen
//     varint and up to 7 padding bits, which the decimal codec wins back
//     many times over. XOR chunks interleave, as Gorilla does.
//   - Speed (the format is unchanged by it; format_test.go pins the bytes
//     with a hash): the writer keeps a 64-bit accumulator and writeBits
//     inlines, control bits and payload going out in one call where they
//     fit 64 bits; a point repeating the previous step and value is one
//     test and two zero bits; the buffer is sized for a 120-point chunk
//     from the first points' rate rather than grown by append. The
//     decoder's Next reads a whole point (timestamp bucket, value control
//     bits, window header) in place from a 64-bit buffer holding at least
//     37 bits, with two zero bits taken before any refill; the first two
//     points, the 64-bit dod escape and a chunk's last bytes go bit by
//     bit through nextSlow.
//
// # Simplifications
//
//   - Seal decodes the XOR stream once to try the decimal codec; the
//     encoder does not track decimal scale while appending.
//   - The decimal codec is all or nothing per chunk: one value that is not
//     a short decimal (NaN, -0, a computed ratio) sends the whole chunk
//     back to XOR. ALP stores such exceptions aside; we do not.
//   - No random access inside a chunk: reading point i decodes 0..i.
//
// # Tests
//
// Table tests of named shapes (constant, counter, two decimals, NaN/Inf,
// large jumps, wrapping deltas, every dod bucket), a format hash over
// fixed series of every shape (TestFormatUnchanged), a randomized property
// test (seed logged; AEGIS_SEED=<n> replays, AEGIS_LONG=1 runs 100 times
// more), corrupt-chunk cases, and two fuzz targets with seeds in
// testdata/fuzz: FuzzDecode (arbitrary bytes never panic) and
// FuzzRoundTrip. The comparison with Prometheus chunkenc is in
// bench/gorillabench.
package gorilla
