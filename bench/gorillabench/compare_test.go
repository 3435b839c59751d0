package gorillabench

import (
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/gorilla"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// codec encodes and decodes one chunk; decode returns a checksum of the
// values so the work cannot be optimized away.
type codec struct {
	name   string
	encode func(ts []int64, vs []float64) []byte
	decode func(chunk []byte) (int, float64)
}

var codecs = []codec{
	{"aegis-gorilla", func(ts []int64, vs []float64) []byte {
		e := gorilla.NewEncoder()
		for i := range ts {
			e.Append(ts[i], vs[i])
		}
		b, _ := e.Bytes()
		return b
	}, decodeAegis},
	{"aegis-decimal", func(ts []int64, vs []float64) []byte {
		e := gorilla.NewEncoder()
		for i := range ts {
			e.Append(ts[i], vs[i])
		}
		b, _ := e.Seal()
		return b
	}, decodeAegis},
	{"prom-chunkenc", func(ts []int64, vs []float64) []byte {
		c := chunkenc.NewXORChunk()
		app, err := c.Appender()
		if err != nil {
			panic(err)
		}
		for i := range ts {
			app.Append(0, ts[i], vs[i])
		}
		return c.Bytes()
	}, func(chunk []byte) (int, float64) {
		c, err := chunkenc.FromData(chunkenc.EncXOR, chunk)
		if err != nil {
			panic(err)
		}
		it := c.Iterator(nil)
		n, sum := 0, 0.0
		for it.Next() != chunkenc.ValNone {
			_, v := it.At()
			sum += v
			n++
		}
		return n, sum
	}},
}

func decodeAegis(chunk []byte) (int, float64) {
	it, err := gorilla.Decode(chunk)
	if err != nil {
		panic(err)
	}
	n, sum := 0, 0.0
	for it.Next() {
		_, v := it.At()
		sum += v
		n++
	}
	if it.Err() != nil {
		panic(it.Err())
	}
	return n, sum
}

// bytesPerPoint encodes every chunk of d with c and checks it decodes.
func bytesPerPoint(t testing.TB, d dataset, c codec) float64 {
	total := 0
	for i := range d.ts {
		b := c.encode(d.ts[i], d.vs[i])
		total += len(b)
		if n, _ := c.decode(b); n != chunkLen {
			t.Fatalf("%s/%s: chunk %d decodes to %d points", d.name, c.name, i, n)
		}
	}
	return float64(total) / float64(d.points())
}

// TestCompression prints bytes per point side by side and checks the
// targets of doc.go.
func TestCompression(t *testing.T) {
	fmt.Printf("%-14s %14s %14s %14s\n", "data", codecs[0].name, codecs[1].name, codecs[2].name)
	for _, d := range datasets(1000) {
		var got [3]float64
		for i, c := range codecs {
			got[i] = bytesPerPoint(t, d, c)
		}
		fmt.Printf("%-14s %14.3f %14.3f %14.3f\n", d.name, got[0], got[1], got[2])
		if got[0] > got[2] {
			t.Errorf("%s: plain gorilla %.3f bytes/point, more than chunkenc's %.3f", d.name, got[0], got[2])
		}
		if got[1] > got[0] {
			t.Errorf("%s: sealed %.3f bytes/point, more than plain %.3f", d.name, got[1], got[0])
		}
		if d.name == "jitter-gauge" && got[1] > got[2]/2 {
			t.Errorf("%s: decimal codec %.3f bytes/point, more than half of chunkenc's %.3f", d.name, got[1], got[2])
		}
	}
}

// BenchmarkEncode and BenchmarkDecode report ns/point (ns/op is per
// chunk of 120) and bytes/point.
//
//	cd bench && go test ./gorillabench -run '^$' -bench . -benchtime 2000x
func BenchmarkEncode(b *testing.B) {
	for _, d := range datasets(100) {
		for _, c := range codecs {
			b.Run(fmt.Sprintf("data=%s/codec=%s", d.name, c.name), func(b *testing.B) {
				b.ReportAllocs()
				size := 0
				for i := 0; i < b.N; i++ {
					k := i % len(d.ts)
					size += len(c.encode(d.ts[k], d.vs[k]))
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*chunkLen), "ns/point")
				b.ReportMetric(float64(size)/float64(b.N*chunkLen), "bytes/point")
			})
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, d := range datasets(100) {
		for _, c := range codecs {
			chunks := make([][]byte, len(d.ts))
			for i := range d.ts {
				chunks[i] = c.encode(d.ts[i], d.vs[i])
			}
			b.Run(fmt.Sprintf("data=%s/codec=%s", d.name, c.name), func(b *testing.B) {
				b.ReportAllocs()
				var sink float64
				for i := 0; i < b.N; i++ {
					_, s := c.decode(chunks[i%len(chunks)])
					sink += s
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*chunkLen), "ns/point")
				_ = sink
			})
		}
	}
}
