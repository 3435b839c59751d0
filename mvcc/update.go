package mvcc

import "errors"

// Update runs fn in a fresh read-write transaction and commits it; after
// a commit fails with ErrConflict it runs fn again in a new transaction,
// up to attempts times in all. It returns how many conflicts it retried
// and, once attempts are used up, the last *ConflictError. fn must not
// keep anything from a failed attempt; an error from fn rolls back and is
// returned as is.
func (db *DB) Update(attempts int, fn func(*Txn) error) (conflicts int, err error) {
	for range max(attempts, 1) {
		txn, err := db.Begin(TxnOptions{})
		if err != nil {
			return conflicts, err
		}
		if err := fn(txn); err != nil {
			txn.Rollback()
			return conflicts, err
		}
		err = txn.Commit()
		if !errors.Is(err, ErrConflict) {
			return conflicts, err
		}
		conflicts++
		if conflicts >= attempts {
			return conflicts, err
		}
	}
	return conflicts, nil
}
