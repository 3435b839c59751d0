package arena_test

import (
	"fmt"

	"github.com/aegisdb/aegis/arena"
)

// Keys copied into an arena stay valid until Reset, and appending to one
// never spills into the next.
func Example() {
	a := arena.New(4096)
	k1 := a.Copy([]byte("user/1"))
	k2 := a.Copy([]byte("user/2"))
	k1 = append(k1, "-renamed"...) // moves k1 out of the arena; k2 is untouched
	fmt.Printf("%s %s\n", k1, k2)

	s := a.Stats()
	fmt.Println(s.Allocations, s.BytesAllocated, s.Slabs, s.BytesReserved)

	a.Reset() // k2 must not be used from here on
	fmt.Println(a.Stats().Allocations, a.Stats().Slabs)
	// Output:
	// user/1-renamed user/2
	// 2 12 1 4096
	// 0 1
}
