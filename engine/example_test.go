package engine_test

import (
	"fmt"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
)

func ExampleOpen() {
	db, err := engine.Open("memory", engine.Options{})
	if err != nil {
		panic(err)
	}
	defer db.Close()

	b := engine.NewBatch()
	b.Put([]byte("user/1"), []byte("ada"))
	b.Put([]byte("user/2"), []byte("grace"))
	b.Put([]byte("zebra"), []byte("outside the bounds"))
	if err := db.Apply(b, engine.WriteOptions{Sync: true}); err != nil {
		panic(err)
	}

	it := db.NewIterator(engine.IterOptions{LowerBound: []byte("user/"), UpperBound: []byte("user0")})
	for ok := it.First(); ok; ok = it.Next() {
		fmt.Printf("%s = %s\n", it.Key(), it.Value())
	}
	if err := it.Err(); err != nil {
		panic(err)
	}
	it.Close()
	// Output:
	// user/1 = ada
	// user/2 = grace
}
