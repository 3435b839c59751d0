package wal_test

import (
	"fmt"
	"io"

	"github.com/aegisdb/aegis/vfs"
	"github.com/aegisdb/aegis/wal"
)

func Example() {
	fs := vfs.NewMem()
	l, err := wal.Open(wal.Options{FS: fs, Dir: "db/wal"})
	if err != nil {
		panic(err)
	}
	l.Append([]byte("set a=1"))             // buffered
	lsn, err := l.Commit([]byte("set b=2")) // durable when it returns
	fmt.Println("committed", lsn, err, "durable up to", l.DurableLSN())
	l.Close()

	// After a crash that loses everything unsynced, both records are there.
	crashed := fs.CrashClone(vfs.CrashOptions{Mode: vfs.CrashDropUnsynced})
	l, err = wal.Open(wal.Options{FS: crashed, Dir: "db/wal"})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	r, _ := l.NewReader(1)
	defer r.Close()
	for {
		lsn, payload, err := r.Next()
		if err == io.EOF {
			break
		}
		fmt.Printf("%d %s\n", lsn, payload)
	}
	// Output:
	// committed 2 <nil> durable up to 2
	// 1 set a=1
	// 2 set b=2
}
