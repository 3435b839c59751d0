package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/internal/testutil"
	"github.com/aegisdb/aegis/model/modeltest"
	"github.com/aegisdb/aegis/mvcc"
)

func openDB(t testing.TB) *mvcc.DB { return modeltest.OpenDB(t, "memory", false) }

func openStore(t testing.TB, db *mvcc.DB, opts Options) *Store {
	t.Helper()
	if opts.MaintenanceInterval == 0 {
		opts.MaintenanceInterval = -1
	}
	s := New(db, opts)
	t.Cleanup(func() { s.Close() })
	return s
}

func mustCreate(t testing.TB, s *Store, c Channel) {
	t.Helper()
	if _, err := s.CreateChannel(c); err != nil {
		t.Fatal(err)
	}
}

func publishN(t testing.TB, s *Store, channel string, n int) {
	t.Helper()
	for i := range n {
		if _, err := s.Publish(channel, "tick", []byte(fmt.Sprintf(`{"i":%d}`, i))); err != nil {
			t.Fatal(err)
		}
	}
}

func offsets(evs []Event) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Offset
	}
	return out
}

func TestPublishAndHistory(t *testing.T) {
	s := openStore(t, openDB(t), Options{})
	mustCreate(t, s, Channel{Name: "orders"})
	if _, err := s.CreateChannel(Channel{Name: "orders"}); !errors.Is(err, ErrChannelExists) {
		t.Fatalf("second create: %v", err)
	}
	for _, bad := range []string{"", "a b", "x\x00y", string(make([]byte, 201))} {
		if _, err := s.CreateChannel(Channel{Name: bad}); !errors.Is(err, ErrInvalid) {
			t.Errorf("create %q: %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := s.Publish("nope", "x", nil); !errors.Is(err, ErrUnknownChannel) {
		t.Fatalf("publish to unknown channel: %v", err)
	}
	for i := range 10 {
		ev, err := s.Publish("orders", "order_created", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil || ev.Offset != uint64(i) {
			t.Fatalf("publish %d: offset %d, %v", i, ev.Offset, err)
		}
	}
	h, err := s.History("orders", 3)
	if err != nil || fmt.Sprint(offsets(h)) != "[7 8 9]" || string(h[2].Data) != `{"n":9}` || h[2].Type != "order_created" {
		t.Fatalf("History(3) = %v, %v", h, err)
	}
	h, _ = s.History("orders", 100)
	if len(h) != 10 || h[0].Offset != 0 {
		t.Fatalf("History(100): %d events", len(h))
	}
	r, _ := s.Read("orders", 4, 2)
	if fmt.Sprint(offsets(r)) != "[4 5]" {
		t.Fatalf("Read(4, 2) = %v", offsets(r))
	}
	if _, err := s.History("orders", 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("History(0): %v", err)
	}
	if _, err := s.Publish("orders", "x", make([]byte, DefaultMaxEventSize)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge event: %v", err)
	}
	cs, err := s.Channels()
	if err != nil || len(cs) != 1 || cs[0].NextOffset != 10 || cs[0].Bytes == 0 {
		t.Fatalf("Channels = %+v, %v", cs, err)
	}
}

func TestSizeRetention(t *testing.T) {
	s := openStore(t, openDB(t), Options{})
	mustCreate(t, s, Channel{Name: "few", MaxEvents: 5})
	mustCreate(t, s, Channel{Name: "small", MaxBytes: 100})
	publishN(t, s, "few", 12)
	h, _ := s.History("few", 100)
	if fmt.Sprint(offsets(h)) != "[7 8 9 10 11]" {
		t.Fatalf("max 5 events keeps %v", offsets(h))
	}
	for range 30 {
		if _, err := s.Publish("small", "x", make([]byte, 10)); err != nil {
			t.Fatal(err)
		}
	}
	ci, _ := s.Channel("small")
	if ci.Bytes > 100 || ci.NextOffset-ci.FirstOffset != 10 || ci.FirstOffset != 20 {
		t.Fatalf("max 100 bytes: %+v", ci)
	}
	// One event larger than the limit is still kept (alone).
	if _, err := s.Publish("small", "x", make([]byte, 150)); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History("small", 100); len(h) != 1 || h[0].Offset != 30 {
		t.Fatalf("after an oversize event: %v", offsets(h))
	}
}

func TestAgeRetention(t *testing.T) {
	clock := testutil.NewClock(time.Unix(1_700_000_000, 0))
	s := openStore(t, openDB(t), Options{Now: clock.Now})
	mustCreate(t, s, Channel{Name: "logs", Retention: time.Hour})
	mustCreate(t, s, Channel{Name: "keep"})
	for range 2500 { // more than one trim batch
		clock.Advance(time.Second)
		if _, err := s.Publish("logs", "line", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	publishN(t, s, "keep", 3)
	if err := s.Maintain(); err != nil {
		t.Fatal(err)
	}
	ci, _ := s.Channel("logs")
	// Events at seconds 1..2500; cutoff is 2500-3600 < 0: nothing is old.
	if ci.FirstOffset != 0 {
		t.Fatalf("trimmed young events: %+v", ci)
	}
	clock.Advance(time.Hour + 500*time.Second) // now = 6600 s; keep events newer than 3000 s
	if err := s.Maintain(); err != nil {
		t.Fatal(err)
	}
	ci, _ = s.Channel("logs")
	h, _ := s.History("logs", 10000)
	if len(h) != 0 || ci.FirstOffset != 2500 {
		t.Fatalf("after all expired: first %d, %d events", ci.FirstOffset, len(h))
	}
	for range 10 {
		clock.Advance(time.Minute)
		s.Publish("logs", "line", []byte("y"))
	}
	clock.Advance(56 * time.Minute) // the first 5 are now more than an hour old
	if err := s.Maintain(); err != nil {
		t.Fatal(err)
	}
	h, _ = s.History("logs", 100)
	if len(h) != 5 || h[0].Offset != 2505 {
		t.Fatalf("partial expiry: %v", offsets(h))
	}
	if h, _ := s.History("keep", 10); len(h) != 3 {
		t.Fatalf("channel without retention lost events: %d", len(h))
	}
}

// TestConsumerGroupMemberDies runs 3 members of a group against a
// publisher; one member takes a batch and dies without acking. After the
// ack timeout its events go to the others: every event is processed at
// least once and nothing stays pending.
func TestConsumerGroupMemberDies(t *testing.T) {
	seed := testutil.Seed(t)
	rng := rand.New(rand.NewPCG(seed, 5))
	clock := testutil.NewClock(time.Unix(1_700_000_000, 0))
	s := openStore(t, openDB(t), Options{Now: clock.Now, AckTimeout: 30 * time.Second})
	mustCreate(t, s, Channel{Name: "jobs"})
	const total = 300
	dieAfter := 2 + rng.IntN(5) // batches the dying member processes first

	var mu sync.Mutex
	processed := map[uint64]int{}
	var lost []uint64 // taken by the dying member and never acked
	redelivered := 0

	go func() { // publisher, concurrently with the consumers
		for i := range total {
			if _, err := s.Publish("jobs", "job", []byte(fmt.Sprint(i))); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	done := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(processed) == total
	}
	// The dying member (worker-2) runs first, so it surely gets events
	// while the publisher is still going; the others join when it dies.
	died := make(chan struct{})
	var dieOnce sync.Once
	die := func() { dieOnce.Do(func() { close(died) }) }
	var wg sync.WaitGroup
	for c := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("worker-%d", c)
			rng := rand.New(rand.NewPCG(seed, uint64(c))) // one per goroutine
			if c != 2 {
				<-died
			} else {
				defer die() // also on an error, so the others never wait forever
			}
			for batches := 0; !done(); {
				ds, err := s.Fetch("jobs", "billing", name, 1+rng.IntN(8))
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					// Nothing to do: let time pass so expired deliveries come back.
					clock.Advance(10 * time.Second)
					time.Sleep(time.Millisecond)
					continue
				}
				if c == 2 && batches == dieAfter {
					mu.Lock()
					lost = append(lost, offsets(deliveriesEvents(ds))...)
					mu.Unlock()
					die()
					return // dies holding ds unacked
				}
				batches++
				var offs []uint64
				mu.Lock()
				for _, d := range ds {
					processed[d.Offset]++
					if d.Attempt > 1 {
						redelivered++
					}
					offs = append(offs, d.Offset)
				}
				mu.Unlock()
				if _, err := s.Ack("jobs", "billing", offs...); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for off := range uint64(total) {
		if processed[off] == 0 {
			t.Fatalf("event %d never processed", off)
		}
	}
	if len(lost) == 0 {
		t.Fatalf("the dying member took no events (dieAfter %d)", dieAfter)
	}
	if redelivered < len(lost) {
		t.Fatalf("%d redeliveries, want at least the %d events the dead member held", redelivered, len(lost))
	}
	if p, _ := s.Pending("jobs", "billing"); len(p) != 0 {
		t.Fatalf("still pending: %+v", p)
	}
	t.Logf("dead member held %v; %d redeliveries; stats %+v", lost, redelivered, s.Stats())
}

func deliveriesEvents(ds []Delivery) []Event {
	out := make([]Event, len(ds))
	for i, d := range ds {
		out[i] = d.Event
	}
	return out
}

// TestGroupSurvivesRestart: cursors and pending entries are in the DB.
func TestGroupSurvivesRestart(t *testing.T) {
	clock := testutil.NewClock(time.Unix(1_700_000_000, 0))
	db := openDB(t)
	s := openStore(t, db, Options{Now: clock.Now})
	mustCreate(t, s, Channel{Name: "c"})
	publishN(t, s, "c", 5)
	ds, _ := s.Fetch("c", "g", "a", 3) // 0 1 2, then "a" crashes with them
	if len(ds) != 3 {
		t.Fatalf("fetched %d", len(ds))
	}
	s.Ack("c", "g", 1)
	s.Close()
	s = openStore(t, db, Options{Now: clock.Now})
	ds, _ = s.Fetch("c", "g", "b", 10)
	if fmt.Sprint(offsets(deliveriesEvents(ds))) != "[3 4]" {
		t.Fatalf("after restart, before the timeout: %v", offsets(deliveriesEvents(ds)))
	}
	clock.Advance(DefaultAckTimeout)
	ds, _ = s.Fetch("c", "g", "b", 10)
	got := offsets(deliveriesEvents(ds))
	if fmt.Sprint(got) != "[0 2 3 4]" || ds[0].Attempt != 2 || ds[0].Consumer != "b" {
		t.Fatalf("after the timeout: %v (%+v)", got, ds)
	}
	if n, _ := s.Ack("c", "g", 0, 2, 3, 4, 99); n != 4 {
		t.Fatalf("acked %d", n)
	}
	// Another group starts from the beginning on its own.
	if ds, _ := s.Fetch("c", "other", "x", 10); len(ds) != 5 {
		t.Fatalf("second group got %d", len(ds))
	}
}

func TestSubscribe(t *testing.T) {
	s := openStore(t, openDB(t), Options{})
	mustCreate(t, s, Channel{Name: "live"})
	publishN(t, s, "live", 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all, err := s.Subscribe(ctx, "live", 0)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := s.Subscribe(ctx, "live", FromLatest)
	if err != nil {
		t.Fatal(err)
	}
	go func() { // more than one read batch
		for range 400 {
			if _, err := s.Publish("live", "tick", nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := range 403 {
		ev := <-all.C
		if ev.Offset != uint64(i) {
			t.Fatalf("subscription from 0: event %d has offset %d", i, ev.Offset)
		}
	}
	if ev := <-latest.C; ev.Offset != 3 {
		t.Fatalf("FromLatest starts at %d, want 3", ev.Offset)
	}
	cancel()
	for range all.C {
	}
	if !errors.Is(all.Err(), context.Canceled) {
		t.Fatalf("after cancel: %v", all.Err())
	}
	sub, _ := s.Subscribe(context.Background(), "live", FromLatest)
	s.Close()
	for range sub.C {
	}
	if !errors.Is(sub.Err(), ErrClosed) {
		t.Fatalf("after Close: %v", sub.Err())
	}
	if _, err := s.Subscribe(context.Background(), "nope", 0); !errors.Is(err, ErrUnknownChannel) {
		t.Fatalf("subscribe to unknown channel: %v", err)
	}
}

func TestPublishChange(t *testing.T) {
	s := openStore(t, openDB(t), Options{})
	mustCreate(t, s, Channel{Name: "cdc"})
	hook := s.ChangeHook("cdc")
	if err := hook("users", "update", map[string]any{"id": 1, "name": "a"}, map[string]any{"id": 1, "name": "b"}); err != nil {
		t.Fatal(err)
	}
	if err := hook("users", "upsert", nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad op: %v", err)
	}
	h, _ := s.History("cdc", 1)
	var got struct {
		Table, Op string
		Old, New  map[string]any
	}
	if err := json.Unmarshal(h[0].Data, &got); err != nil {
		t.Fatal(err)
	}
	if h[0].Type != "change" || got.Table != "users" || got.Op != "update" || got.Old["name"] != "a" || got.New["name"] != "b" {
		t.Fatalf("change event %s %s", h[0].Type, h[0].Data)
	}
}

// TestPublishIn checks publishing inside a caller's transaction: the
// event exists iff the transaction commits, a racing publish makes the
// later commit fail rather than reuse an offset, and Notify wakes a
// subscription.
func TestPublishIn(t *testing.T) {
	db := openDB(t)
	s := openStore(t, db, Options{})
	mustCreate(t, s, Channel{Name: "cdc"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub, err := s.Subscribe(ctx, "cdc", FromLatest)
	if err != nil {
		t.Fatal(err)
	}
	begin := func() *mvcc.Txn {
		txn, err := db.Begin(mvcc.TxnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return txn
	}

	txn := begin()
	if _, err := s.PublishChangeIn(txn, "cdc", "users", "insert", nil, map[string]any{"id": 1}); err != nil {
		t.Fatal(err)
	}
	txn.Rollback()
	if h, _ := s.History("cdc", 10); len(h) != 0 {
		t.Fatalf("rolled back publish left %d events", len(h))
	}

	txn = begin()
	ev, err := s.PublishChangeIn(txn, "cdc", "users", "insert", nil, map[string]any{"id": 2})
	if err != nil || ev.Offset != 0 {
		t.Fatalf("PublishChangeIn: offset %d, %v", ev.Offset, err)
	}
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Notify()
	select {
	case got := <-sub.C:
		if got.Offset != 0 || got.Type != ChangeEventType {
			t.Fatalf("subscription got %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Notify did not wake the subscription")
	}

	// A store publish that commits while txn is open takes offset 1;
	// txn, which also wrote offset 1, must not commit.
	txn = begin()
	if _, err := s.PublishIn(txn, "cdc", "t", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if ev, err := s.Publish("cdc", "t", []byte(`{}`)); err != nil || ev.Offset != 1 {
		t.Fatalf("Publish beside an open PublishIn: offset %d, %v", ev.Offset, err)
	}
	if err := txn.Commit(); !errors.Is(err, mvcc.ErrConflict) {
		t.Fatalf("commit after a racing publish: %v, want a conflict", err)
	}
	if h, _ := s.History("cdc", 10); len(h) != 2 || h[1].Offset != 1 {
		t.Fatalf("history %v", offsets(h))
	}
	txn = begin()
	defer txn.Rollback()
	if _, err := s.PublishIn(txn, "nope", "t", nil); !errors.Is(err, ErrUnknownChannel) {
		t.Fatalf("PublishIn to an unknown channel: %v", err)
	}
}

// FuzzDecodeRecords feeds arbitrary bytes to every record decoder: errors
// are fine, panics are not. Run: go test ./model/stream -fuzz FuzzDecodeRecords
func FuzzDecodeRecords(f *testing.F) {
	f.Add(encodeEvent(Event{Type: "t", Data: []byte(`{}`), Time: time.Unix(5, 0)}))
	f.Add(meta{3, 1, 10}.encode())
	f.Add(pending{1, 2, "worker"}.encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if ev, err := decodeEvent("c", 1, nil, b); err == nil {
			again, err := decodeEvent("c", 1, nil, encodeEvent(ev))
			if err != nil || again.Type != ev.Type || string(again.Data) != string(ev.Data) || !again.Time.Equal(ev.Time) {
				t.Fatalf("event does not round-trip: %v", err)
			}
		}
		if m, err := decodeMeta(nil, b); err == nil && string(m.encode()) != string(b) {
			t.Fatalf("channel state does not re-encode")
		}
		if p, err := decodePending(nil, b); err == nil && string(p.encode()) != string(b) {
			t.Fatalf("pending entry does not re-encode")
		}
	})
}
