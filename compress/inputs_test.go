package compress

import (
	"fmt"
	"math/rand/v2"
)

// This file makes the blocks that tests, fuzz seeds and benchmarks
// compress. Everything is deterministic for a given seed.

// randomBytes returns n bytes that no codec can compress.
func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// kvBlock returns n bytes shaped like an LSM data block: sorted records
// whose keys share long prefixes and whose values are JSON-ish text with
// some numbers that vary.
//
//	| keylen:1 | key | vallen:1 | value | ...
func kvBlock(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cities := []string{"Lisbon", "Oslo", "Nairobi", "Lima", "Osaka", "Quebec"}
	plans := []string{"free", "pro", "enterprise"}
	b := make([]byte, 0, n+256)
	for user := 10_000 + rng.IntN(1000); len(b) < n; user += 1 + rng.IntN(3) {
		key := fmt.Sprintf("tenant/42/users/%08d/profile", user)
		value := fmt.Sprintf(`{"id":%d,"city":%q,"plan":%q,"logins":%d,"score":%.3f}`,
			user, cities[rng.IntN(len(cities))], plans[rng.IntN(len(plans))], rng.IntN(5000), rng.Float64()*100)
		b = append(b, byte(len(key)))
		b = append(b, key...)
		b = append(b, byte(len(value)))
		b = append(b, value...)
	}
	return b[:n]
}

// repeated returns n bytes of one short pattern: the best case for every
// codec, and the shape of a decompression bomb.
func repeated(n int) []byte {
	const pattern = "aegis "
	b := make([]byte, n)
	for i := range b {
		b[i] = pattern[i%len(pattern)]
	}
	return b
}

type namedInput struct {
	name string
	data []byte
}

// sampleInputs are the round-trip cases: sizes at the edges, data at the
// extremes of compressibility, and one large block.
func sampleInputs() []namedInput {
	return []namedInput{
		{"empty", []byte{}},
		{"nil", nil},
		{"one-byte", []byte{0x7f}},
		{"zeros-100", make([]byte, 100)},
		{"random-4KiB", randomBytes(4<<10, 1)},
		{"kv-4KiB", kvBlock(4<<10, 2)},
		{"repeated-64KiB", repeated(64 << 10)},
		{"kv-1MiB", kvBlock(1<<20, 3)},
		{"random-1MiB", randomBytes(1<<20, 4)},
	}
}
