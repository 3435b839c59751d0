package gorillabench

import (
	"math"
	"math/rand/v2"
)

// chunkLen is the number of points per chunk, Prometheus's default.
const chunkLen = 120

// dataset is a named series cut into chunks of chunkLen points.
type dataset struct {
	name string
	ts   [][]int64
	vs   [][]float64
}

func (d dataset) points() int { return len(d.ts) * chunkLen }

// datasets generates the fixed data sets described in doc.go.
func datasets(chunks int) []dataset {
	rng := rand.New(rand.NewPCG(1, 1))
	gen := func(name string, jitter bool, value func(i int) float64) dataset {
		d := dataset{name: name}
		t := int64(1_700_000_000_000)
		i := 0
		for range chunks {
			ts := make([]int64, chunkLen)
			vs := make([]float64, chunkLen)
			for j := range chunkLen {
				t += 10_000
				ts[j] = t
				if jitter {
					ts[j] += rng.Int64N(201) - 100
				}
				vs[j] = value(i)
				i++
			}
			d.ts, d.vs = append(d.ts, ts), append(d.vs, vs)
		}
		return d
	}
	walk := 50.0
	var counter float64
	return []dataset{
		gen("jitter-gauge", true, func(int) float64 {
			walk = math.Round(walk*100+float64(rng.IntN(101)-50)) / 100
			return walk
		}),
		gen("counter", false, func(int) float64 {
			counter += float64(rng.IntN(1000))
			return counter
		}),
		gen("constant", false, func(int) float64 { return 42 }),
		gen("random-float", true, func(int) float64 { return rng.NormFloat64() * 100 }),
	}
}
