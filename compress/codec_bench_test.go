package compress

import (
	"fmt"
	"testing"
)

// Throughput (MB/s of uncompressed data) and compression ratio
// (uncompressed/compressed, higher is better) per codec, on blocks the size
// of LSM data blocks:
//
//	go test ./compress -run '^$' -bench . -benchtime 2000x -count 6 | tee new.txt
//	benchstat old.txt new.txt

type benchBlock struct {
	data string
	size string
	src  []byte
}

func benchBlocks() []benchBlock {
	var blocks []benchBlock
	for _, size := range []struct {
		name string
		n    int
	}{{"4KiB", 4 << 10}, {"64KiB", 64 << 10}} {
		blocks = append(blocks,
			benchBlock{"kv", size.name, kvBlock(size.n, 100)},
			benchBlock{"random", size.name, randomBytes(size.n, 101)},
		)
	}
	return blocks
}

func BenchmarkEncode(b *testing.B) {
	for _, c := range allCodecs(b) {
		for _, blk := range benchBlocks() {
			b.Run(fmt.Sprintf("codec=%s/data=%s/size=%s", c.Name(), blk.data, blk.size), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(blk.src)))
				var dst []byte
				for b.Loop() {
					dst = c.Encode(dst, blk.src)
				}
				b.ReportMetric(float64(len(blk.src))/float64(len(dst)), "ratio")
			})
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range allCodecs(b) {
		for _, blk := range benchBlocks() {
			b.Run(fmt.Sprintf("codec=%s/data=%s/size=%s", c.Name(), blk.data, blk.size), func(b *testing.B) {
				enc := c.Encode(nil, blk.src)
				b.ReportAllocs()
				b.SetBytes(int64(len(blk.src)))
				dst := make([]byte, len(blk.src))
				for b.Loop() {
					var err error
					if dst, err = c.Decode(dst, enc, len(blk.src)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(blk.src))/float64(len(enc)), "ratio")
			})
		}
	}
}
