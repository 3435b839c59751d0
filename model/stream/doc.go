// Package stream is the event-streaming data model: channels as
// append-only logs through mvcc, with retention by age and size, offsets,
// history, live subscriptions, consumer groups with acknowledgement and
// redelivery (at-least-once), and a hook for change data capture.
//
// Uses: mvcc, model/keyenc, internal/loop. Used by: server (the
// /api/v1/streaming routes); sql (change data capture, sql/cdc.go).
//
//	s := stream.New(db, stream.Options{AckTimeout: 30 * time.Second})
//	_, err := s.CreateChannel(stream.Channel{Name: "orders", Retention: 7 * 24 * time.Hour})
//	ev, err := s.Publish("orders", "order_created", []byte(`{"id":1}`)) // ev.Offset
//	evs, err := s.History("orders", 100)          // the last 100, oldest first
//	evs, err = s.Read("orders", from, 100)        // offsets >= from
//	sub, err := s.Subscribe(ctx, "orders", stream.FromLatest); for ev := range sub.C {}
//	ds, err := s.Fetch("orders", "billing", "worker-1", 10) // consumer group
//	n, err := s.Ack("orders", "billing", ds[0].Offset)
//
// # Change data capture
//
// The SQL engine is not this package's (sql/cdc.go is). It publishes each
// committed row change of a captured table with
//
//	s.PublishChangeIn(txn, channel, table, op, oldRow, newRow map[string]any)
//
// inside the transaction that writes the row, then calls s.Notify()
// after committing. The event has type "change" and data {"table", "op",
// "old", "new"}; op is insert, update or delete, old is null for inserts,
// new for deletes. PublishIn is Publish's append in a caller's
// transaction: the event is stored if and only if that transaction
// commits. It cannot hold the store's mutex for a transaction it does not
// control, so a concurrent writer of the same channel is stopped by
// mvcc's first-committer-wins on the channel's state key (the store's own
// writes retry such a conflict; the caller's transaction fails it). The
// post-commit PublishChange / ChangeHook remain for writers outside
// mvcc; across a crash they are at-most-once.
//
// # Layout
//
// The model owns the mvcc keys under "st" 0x00 (offsets 8 bytes BE):
//
//	"st\x00c" channel                    -> channel config (JSON)
//	"st\x00m" channel                    -> | next:8 | first:8 | bytes:8 |
//	"st\x00e" channel 0x00 offset        -> | time:8 unix ns | len(type) uvarint | type | data |
//	"st\x00g" channel 0x00 group         -> | cursor:8 |  next offset to hand out
//	"st\x00p" channel 0x00 group 0x00 offset -> | deadline:8 unix ns | deliveries:4 | consumer |
//
// # Invariants
//
//   - Offsets are dense and increasing: Publish takes the channel's next
//     offset and commits the event and the new state in one transaction;
//     once it returns, the event is durable as the DB's commits are.
//   - Stored events are exactly the offsets [first, next). Retention only
//     moves first forward (size limits in Publish's own transaction; age
//     in Maintain, oldest first), and never drops the event being
//     published.
//   - Consumer groups: an event is handed out (pending entry written) and
//     the group cursor advanced in one transaction, so after any crash an
//     event is either behind the cursor with a pending entry, acked, or
//     ahead of the cursor — never lost. A pending entry whose deadline has
//     passed is handed to the next member that fetches (at-least-once);
//     Ack deletes it. Retention can drop an event still pending; it is
//     then skipped.
//
// # Simplifications
//
//   - Writes (publish, fetch, ack, trim) are serialized by one mutex held
//     across the transaction: one Store per DB, no parallel publishers.
//     PublishIn writers run outside the mutex; conflicts order them.
//   - Fetch scans the group's pending entries to find expired ones: cost
//     O(pending) per fetch.
//   - Subscriptions are ephemeral (at-most-once, no stored position);
//     durable consumption is the consumer groups'. A subscriber that does
//     not keep up holds its reader goroutine; there is no slow-consumer
//     eviction.
//   - Age retention trusts publish times from the store's clock; a clock
//     step backwards delays expiry of later events.
//   - Notify wakes every channel PublishIn ever wrote to, not just the
//     committing transaction's: a spurious wake costs a subscriber one
//     read, and tracking channels per transaction would need hooks on
//     rollback too.
//
// # Tests
//
// Publish/history/read, size and age retention (fake clock), a consumer
// group of 3 members against a concurrent publisher where one member dies
// holding unacked events (every event processed at least once, nothing
// pending at the end; seed logged, AEGIS_SEED replays), group state
// across a restart, subscriptions (history then live, FromLatest, cancel,
// Close), the CDC hook, PublishIn (rollback leaves nothing, a racing
// publish makes the later commit conflict, Notify wakes subscribers), and FuzzDecodeRecords over every record decoder
// with seeds in testdata/fuzz. The server's kill -9 test
// (cmd/aegis/kill_test.go) checks that acknowledged published events
// survive a crash.
package stream
