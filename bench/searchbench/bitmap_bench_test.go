package searchbench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/aegisdb/aegis/bitmap"
)

// universe is the value range of the bitmap benchmarks: 2^24 values, 256
// chunks of 2^16.
const universe = 1 << 24

// randomSet returns sorted distinct values covering density of universe.
func randomSet(density float64, seed uint64) []uint32 {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([]uint32, 0, int(density*universe))
	for v := range uint32(universe) {
		if r.Float64() < density {
			out = append(out, v)
		}
	}
	return out
}

var densities = []float64{0.01, 0.10, 0.50}

// go test -run '^$' -bench Bitmap -benchtime 1s ./searchbench/
func BenchmarkBitmap(b *testing.B) {
	for _, d := range densities {
		va, vb := randomSet(d, 1), randomSet(d, 2)
		name := fmt.Sprintf("density=%g%%", d*100)
		b.Run(name+"/op=build/lib=aegis", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bm := bitmap.New()
				bm.AddMany(va)
			}
		})
		b.Run(name+"/op=build/lib=roaring", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bm := roaring.New()
				bm.AddMany(va)
			}
		})
		oa, ob := bitmap.New(), bitmap.New()
		oa.AddMany(va)
		ob.AddMany(vb)
		ra, rb := roaring.BitmapOf(va...), roaring.BitmapOf(vb...)
		if oa.Cardinality() != ra.GetCardinality() || bitmap.And(oa, ob).Cardinality() != roaring.And(ra, rb).GetCardinality() ||
			bitmap.Or(oa, ob).Cardinality() != roaring.Or(ra, rb).GetCardinality() {
			b.Fatal("aegis and roaring disagree")
		}
		b.Run(name+"/op=and/lib=aegis", func(b *testing.B) {
			for b.Loop() {
				bitmap.And(oa, ob)
			}
		})
		b.Run(name+"/op=and/lib=roaring", func(b *testing.B) {
			for b.Loop() {
				roaring.And(ra, rb)
			}
		})
		b.Run(name+"/op=or/lib=aegis", func(b *testing.B) {
			for b.Loop() {
				bitmap.Or(oa, ob)
			}
		})
		b.Run(name+"/op=or/lib=roaring", func(b *testing.B) {
			for b.Loop() {
				roaring.Or(ra, rb)
			}
		})
		b.Run(name+"/op=cardinality/lib=aegis", func(b *testing.B) {
			for b.Loop() {
				oa.Cardinality()
			}
		})
		b.Run(name+"/op=cardinality/lib=roaring", func(b *testing.B) {
			for b.Loop() {
				ra.GetCardinality()
			}
		})
		b.Run(name+"/op=contains/lib=aegis", func(b *testing.B) {
			i := 0
			for b.Loop() {
				oa.Contains(uint32(i*7919) % universe)
				i++
			}
		})
		b.Run(name+"/op=contains/lib=roaring", func(b *testing.B) {
			i := 0
			for b.Loop() {
				ra.Contains(uint32(i*7919) % universe)
				i++
			}
		})
		b.Run(name+"/op=size", func(b *testing.B) {
			for b.Loop() {
			}
			oa.RunOptimize()
			ra.RunOptimize()
			data, _ := oa.MarshalBinary()
			rdata, _ := ra.ToBytes()
			b.ReportMetric(float64(len(data)), "aegis-bytes")
			b.ReportMetric(float64(len(rdata)), "roaring-bytes")
			b.ReportMetric(float64(len(data))/float64(len(rdata)), "aegis/roaring")
		})
	}
	// runs: a few long ranges, where run containers pay off
	b.Run("runs/op=size", func(b *testing.B) {
		var vals []uint32
		for s := uint32(0); s < universe; s += 100_000 {
			for v := s; v < s+30_000; v++ {
				vals = append(vals, v)
			}
		}
		oa, ra := bitmap.New(), roaring.New()
		oa.AddMany(vals)
		ra.AddMany(vals)
		for b.Loop() {
		}
		oa.RunOptimize()
		ra.RunOptimize()
		data, _ := oa.MarshalBinary()
		rdata, _ := ra.ToBytes()
		if !slices.Equal(oa.ToArray(), ra.ToArray()) {
			b.Fatal("disagree")
		}
		b.ReportMetric(float64(len(data)), "aegis-bytes")
		b.ReportMetric(float64(len(rdata)), "roaring-bytes")
	})
}
