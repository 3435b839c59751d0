package mvcc

import (
	"errors"
	"testing"

	"github.com/aegisdb/aegis/engine/memory"
)

func TestUpdateRetriesConflicts(t *testing.T) {
	db, err := Open(memory.New(), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	runs := 0
	conflicts, err := db.Update(5, func(txn *Txn) error {
		runs++
		if runs <= 2 { // a concurrent writer commits the same key first
			other, _ := db.Begin(TxnOptions{})
			other.Put([]byte("k"), []byte("other"))
			if err := other.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		return txn.Put([]byte("k"), []byte("mine"))
	})
	if err != nil || conflicts != 2 || runs != 3 {
		t.Fatalf("conflicts %d runs %d err %v", conflicts, runs, err)
	}
	conflicts, err = db.Update(2, func(txn *Txn) error {
		other, _ := db.Begin(TxnOptions{})
		other.Put([]byte("k"), []byte("other"))
		other.Commit()
		return txn.Put([]byte("k"), []byte("mine"))
	})
	if !errors.Is(err, ErrConflict) || conflicts != 2 {
		t.Fatalf("exhausted: conflicts %d err %v", conflicts, err)
	}
	boom := errors.New("boom")
	if _, err := db.Update(3, func(*Txn) error { return boom }); err != boom {
		t.Fatalf("fn error: %v", err)
	}
}
