package lsm

import (
	"math"

	"github.com/cespare/xxhash/v2"
)

// A bloom filter covers the user keys of one table:
//
//	| bit array: ceil(n*bitsPerKey/8) bytes | k:1 |
//
// Probes use double hashing on one 64-bit xxhash: h1 is the low half, h2
// the high half, and probe i tests bit (h1 + i*h2) mod nbits (Kirsch and
// Mitzenmacher, "Less hashing, same performance", 2006).

// bloomK is the number of probes that minimizes false positives for
// bitsPerKey: ln 2 * bitsPerKey, clamped to [1, 30].
func bloomK(bitsPerKey int) int {
	k := int(float64(bitsPerKey) * math.Ln2)
	return max(1, min(30, k))
}

// bloomFPR is the theoretical false-positive rate (1 - e^(-kn/m))^k.
func bloomFPR(bitsPerKey int) float64 {
	k := float64(bloomK(bitsPerKey))
	return math.Pow(1-math.Exp(-k/float64(bitsPerKey)), k)
}

// buildBloom makes a filter over the hashes of the keys.
func buildBloom(hashes []uint64, bitsPerKey int) []byte {
	nbits := len(hashes) * bitsPerKey
	if nbits < 64 {
		nbits = 64
	}
	nbytes := (nbits + 7) / 8
	nbits = nbytes * 8
	k := bloomK(bitsPerKey)
	out := make([]byte, nbytes+1)
	for _, h := range hashes {
		h1, h2 := uint32(h), uint32(h>>32)
		for i := 0; i < k; i++ {
			bit := (h1 + uint32(i)*h2) % uint32(nbits)
			out[bit/8] |= 1 << (bit % 8)
		}
	}
	out[nbytes] = byte(k)
	return out
}

func bloomHash(ukey []byte) uint64 { return xxhash.Sum64(ukey) }

// bloomMayContain reports whether the filter may hold the key with hash h.
// A malformed filter (empty, or k outside 1..30) answers true: it filters
// nothing rather than hide keys.
func bloomMayContain(filter []byte, h uint64) bool {
	if len(filter) < 2 {
		return true
	}
	k := int(filter[len(filter)-1])
	if k < 1 || k > 30 {
		return true
	}
	nbits := uint32(len(filter)-1) * 8
	h1, h2 := uint32(h), uint32(h>>32)
	for i := 0; i < k; i++ {
		bit := (h1 + uint32(i)*h2) % nbits
		if filter[bit/8]&(1<<(bit%8)) == 0 {
			return false
		}
	}
	return true
}
