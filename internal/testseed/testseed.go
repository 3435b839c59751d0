// Package testseed gives randomized tests a logged, replayable seed.
//
// Uses: nothing. Used by: the tests of bitmap, invindex, model/document.
//
//	r := rand.New(rand.NewPCG(testseed.Seed(t), 1))
//
// The seed is AEGIS_SEED when set, else a fresh random one; either way it
// is logged, so a failing run can be replayed with AEGIS_SEED=<n>.
package testseed

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// Seed returns the test's random seed and logs it.
func Seed(t testing.TB) uint64 {
	t.Helper()
	s := rand.Uint64()
	if env := os.Getenv("AEGIS_SEED"); env != "" {
		v, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("AEGIS_SEED=%q: %v", env, err)
		}
		s = v
	}
	t.Logf("seed %d (replay with AEGIS_SEED=%d)", s, s)
	return s
}

// Long reports whether AEGIS_LONG asks for the long versions of tests.
func Long() bool { return os.Getenv("AEGIS_LONG") != "" }
