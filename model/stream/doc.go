// Package stream is the event-streaming data model: channels as
// append-only logs through mvcc, with retention by age and size, offsets,
// history, live subscriptions, consumer groups with acknowledgement and
// redelivery (at-least-once), and a hook for change data capture.
//
// Uses: mvcc, model/keyenc, internal/loop. Used by: server (the
// /api/v1/streaming routes); a table writer for change data capture.
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
// The SQL engine is not this package's: it calls, after a committed row
// change,
//
//	s.PublishChange(channel, table, op, oldRow, newRow map[string]any)
//
// (or the func returned by s.ChangeHook(channel)), which publishes an
// event of type "change" with data {"table", "op", "old", "new"}. op is
// insert, update or delete; old is null for inserts, new for deletes.
// Publishing after the table's commit, not inside it, means a crash
// between the two loses the change event: exactly-once CDC would need the
// table write and the publish in one mvcc transaction (see
// Simplifications).
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
//   - Fetch scans the group's pending entries to find expired ones: cost
//     O(pending) per fetch.
//   - Subscriptions are ephemeral (at-most-once, no stored position);
//     durable consumption is the consumer groups'. A subscriber that does
//     not keep up holds its reader goroutine; there is no slow-consumer
//     eviction.
//   - Age retention trusts publish times from the store's clock; a clock
//     step backwards delays expiry of later events.
//   - Change data capture is a call after the table commit, so it is
//     at-most-once across a crash; no exactly-once delivery.
//
// # Tests
//
// Publish/history/read, size and age retention (fake clock), a consumer
// group of 3 members against a concurrent publisher where one member dies
// holding unacked events (every event processed at least once, nothing
// pending at the end; seed logged, AEGIS_SEED replays), group state
// across a restart, subscriptions (history then live, FromLatest, cancel,
// Close), the CDC hook, and FuzzDecodeRecords over every record decoder
// with seeds in testdata/fuzz. The server's kill -9 test
// (cmd/aegis/kill_test.go) checks that acknowledged published events
// survive a crash.
package stream
