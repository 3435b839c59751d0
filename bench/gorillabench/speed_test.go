package gorillabench

import (
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"
)

var speed = flag.Bool("speed", false, "run TestSpeed, the interleaved encode/decode comparison")

// speedRounds is how many times each codec is timed per data set and
// direction; the table shows the median.
const speedRounds = 60

// TestSpeed times encode and decode of every codec on every data set,
// codecs taking turns round by round, and prints the median ns/point and
// the ratio to chunkenc. On a shared machine the Benchmark functions
// time each codec in its own stretch, so load from other processes lands
// on whichever runs then; alternating rounds spread it over all codecs,
// and the median drops the rounds a GC or a neighbour hit. It prints,
// never asserts (timings are not test results):
//
//	cd bench && go test ./gorillabench -run TestSpeed -speed -v
func TestSpeed(t *testing.T) {
	if !*speed {
		t.Skip("pass -speed to run")
	}
	fmt.Printf("%-13s %-6s %14s %14s %14s %8s\n", "data", "", codecs[0].name, codecs[1].name, codecs[2].name, "ratio")
	for _, d := range datasets(100) {
		chunks := make([][][]byte, len(codecs))
		for c := range codecs {
			for i := range d.ts {
				chunks[c] = append(chunks[c], codecs[c].encode(d.ts[i], d.vs[i]))
			}
		}
		for _, dir := range []string{"encode", "decode"} {
			ns := make([][]float64, len(codecs))
			for range speedRounds {
				for c, cd := range codecs {
					start := time.Now()
					var sink float64
					for i := range d.ts {
						if dir == "encode" {
							sink += float64(len(cd.encode(d.ts[i], d.vs[i])))
						} else {
							_, s := cd.decode(chunks[c][i])
							sink += s
						}
					}
					_ = sink
					ns[c] = append(ns[c], float64(time.Since(start).Nanoseconds())/float64(d.points()))
				}
			}
			med := make([]float64, len(codecs))
			for c := range codecs {
				slices.Sort(ns[c])
				med[c] = ns[c][len(ns[c])/2]
			}
			fmt.Printf("%-13s %-6s %14.2f %14.2f %14.2f %8.2f\n", d.name, dir, med[0], med[1], med[2], med[0]/med[2])
		}
	}
}
