package mvcc_test

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/mvcc"
)

// A transfer retried on conflict, and a time-travel read of the state
// before it.
func Example() {
	e, _ := engine.Open("memory", engine.Options{})
	defer e.Close()
	db, _ := mvcc.Open(e, mvcc.Options{SyncOnCommit: true})
	defer db.Close()

	setup, _ := db.Begin(mvcc.TxnOptions{})
	setup.Put([]byte("alice"), []byte("100"))
	setup.Put([]byte("bob"), []byte("0"))
	setup.Commit()
	before := setup.CommitTS()

	for {
		txn, _ := db.Begin(mvcc.TxnOptions{Isolation: mvcc.Serializable})
		txn.Put([]byte("alice"), []byte("70"))
		txn.Put([]byte("bob"), []byte("30"))
		err := txn.Commit()
		if errors.Is(err, mvcc.ErrConflict) {
			continue // someone else committed first: run it again
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		break
	}

	old, _ := db.Begin(mvcc.TxnOptions{AsOf: before})
	defer old.Rollback()
	it := old.Scan(nil, nil)
	defer it.Close()
	for it.Next() {
		fmt.Printf("%s=%s ", it.Key(), it.Value())
	}
	now, _ := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	defer now.Rollback()
	bob, _ := now.Get([]byte("bob"))
	fmt.Printf("| now bob=%s\n", bob)
	// Output: alice=100 bob=0 | now bob=30
}
