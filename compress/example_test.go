package compress_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/compress"
)

// A writer picks the codec by name from its configuration and stores the
// codec's ID next to the block; a reader finds the codec by that ID and
// bounds the output by the largest block it ever writes.
func Example() {
	const maxBlock = 64 << 10
	block := bytes.Repeat([]byte("tenant/42/users/00001234/profile "), 100)

	codec, err := compress.Lookup("zstd")
	if err != nil {
		panic(err)
	}
	stored := codec.Encode(nil, block)
	id := codec.ID()

	reader, err := compress.ByID(id)
	if err != nil {
		panic(err)
	}
	got, err := reader.Decode(nil, stored, maxBlock)
	if err != nil {
		panic(err)
	}
	fmt.Println(reader.Name(), bytes.Equal(got, block), len(stored) < len(block)/10)

	_, err = reader.Decode(nil, stored, 100)
	fmt.Println(errors.Is(err, compress.ErrTooLarge))

	_, err = compress.Lookup("gzip")
	fmt.Println(err)
	// Output:
	// zstd true true
	// true
	// compress: unknown codec "gzip" (allowed: none, snappy, lz4, zstd)
}
