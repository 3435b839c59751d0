package gorilla

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// formatHash is the SHA-256 of the chunks TestFormatUnchanged builds, as
// written by the first encoder of this format. Speed work on the encoder
// must leave it alone; only a deliberate format change (with a new
// version nibble) may update it.
const formatHash = "1c40866d56ddd33f9876aa0f3eccadd0ca86fcef61fe101bd137ab02dcfc97e8"

// TestFormatUnchanged encodes fixed pseudo-random series of every shape
// (regular, jittered and arbitrary timestamps; random bits, normal,
// two-decimal, counter, constant and sparse values), taking Bytes at
// random points mid-stream and Seal at the end, and checks the bytes
// against formatHash.
func TestFormatUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	h := sha256.New()
	for it := 0; it < 3000; it++ {
		n := 1 + rng.IntN(300)
		e := NewEncoder()
		kind := rng.IntN(6)
		tsk := rng.IntN(3)
		t0 := rng.Int64() >> uint(rng.IntN(64))
		walk := 50.0
		for i := 0; i < n; i++ {
			var ts int64
			switch tsk {
			case 0:
				ts = t0 + int64(i)*10000
			case 1:
				ts = t0 + int64(i)*10000 + rng.Int64N(2001) - 1000
			default:
				ts = int64(rng.Uint64()) >> uint(rng.IntN(64))
			}
			var v float64
			switch kind {
			case 0:
				v = math.Float64frombits(rng.Uint64())
			case 1:
				v = rng.NormFloat64() * 100
			case 2:
				walk = math.Round(walk*100+float64(rng.IntN(101)-50)) / 100
				v = walk
			case 3:
				v = float64(i * rng.IntN(1000))
			case 4:
				v = 42
			default:
				if rng.IntN(3) == 0 {
					v = math.Float64frombits(rng.Uint64() >> uint(rng.IntN(64)))
				}
			}
			e.Append(ts, v)
			if rng.IntN(50) == 0 {
				b, _ := e.Bytes()
				h.Write(b)
			}
		}
		b, _ := e.Bytes()
		h.Write(b)
		s, _ := e.Seal()
		h.Write(s)
	}
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != formatHash {
		t.Fatalf("chunk bytes changed: hash %s, want %s", got, formatHash)
	}
}
