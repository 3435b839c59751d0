package sql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/model/stream"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/mvcc"
)

// change is a change event's data, as a consumer reads it.
type change struct {
	Table string         `json:"table"`
	Op    string         `json:"op"`
	Old   map[string]any `json:"old"`
	New   map[string]any `json:"new"`
}

// cdcFixture is an engine with a stream store and a channel "cdc".
type cdcFixture struct {
	eng *Engine
	st  *stream.Store
	s   *Session
}

func newCDC(t testing.TB, db *mvcc.DB) *cdcFixture {
	t.Helper()
	st := stream.New(db, stream.Options{MaintenanceInterval: -1})
	t.Cleanup(func() { st.Close() })
	eng := Open(db)
	eng.UseStreams(st)
	if _, err := st.Channel("cdc"); errors.Is(err, stream.ErrUnknownChannel) {
		if _, err := st.CreateChannel(stream.Channel{Name: "cdc"}); err != nil {
			t.Fatal(err)
		}
	}
	return &cdcFixture{eng: eng, st: st, s: eng.NewSession()}
}

func (f *cdcFixture) exec(t testing.TB, q string, params ...any) error {
	t.Helper()
	_, err := f.s.Exec(context.Background(), q, params...)
	return err
}

func (f *cdcFixture) mustExec(t *testing.T, q string, params ...any) {
	t.Helper()
	if err := f.exec(t, q, params...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// changes returns every event of the channel as "op old new" lines, with
// a check that offsets are dense and the type is "change".
func (f *cdcFixture) changes(t *testing.T) []string {
	t.Helper()
	evs, err := f.st.Read("cdc", 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, ev := range evs {
		if ev.Offset != uint64(i) || ev.Type != stream.ChangeEventType {
			t.Fatalf("event %d: offset %d type %q", i, ev.Offset, ev.Type)
		}
		var c change
		dec := json.NewDecoder(bytes.NewReader(ev.Data))
		dec.UseNumber() // decimals as published, 1.50 not 1.5
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		old, _ := json.Marshal(c.Old)
		nw, _ := json.Marshal(c.New)
		out = append(out, fmt.Sprintf("%s %s %s %s", c.Table, c.Op, old, nw))
	}
	return out
}

func TestCaptureChanges(t *testing.T) {
	f := newCDC(t, openTestDB(t, "memory"))
	f.mustExec(t, `CREATE TABLE users (id INT PRIMARY KEY, name TEXT, score DECIMAL(5,2));
		CREATE TABLE other (k INT)`)
	if err := f.eng.CaptureChanges(context.Background(), "users", "cdc"); err != nil {
		t.Fatal(err)
	}
	f.mustExec(t, `INSERT INTO users VALUES (1, 'ann', 1.50), (2, 'bob', NULL)`)
	f.mustExec(t, `INSERT INTO other VALUES (7)`) // not captured
	f.mustExec(t, `UPDATE users SET name = 'anne' WHERE id = 1`)
	f.mustExec(t, `UPDATE users SET id = 3 WHERE id = 2`) // moves the row
	f.mustExec(t, `DELETE FROM users WHERE id = 1`)

	// Nothing from a rolled-back transaction, a failed block, or a
	// statement that failed half-way (row 4 written, then a duplicate).
	f.mustExec(t, `BEGIN; INSERT INTO users VALUES (9, 'x', 0); UPDATE users SET name = 'y'; ROLLBACK`)
	f.mustExec(t, `BEGIN; INSERT INTO users VALUES (9, 'x', 0)`)
	if err := f.exec(t, `INSERT INTO users VALUES (3, 'dup', 0)`); !errors.Is(err, table.ErrDuplicateKey) {
		t.Fatalf("duplicate in block: %v", err)
	}
	f.mustExec(t, `COMMIT`) // rolls back the failed block
	if err := f.exec(t, `INSERT INTO users VALUES (4, 'd', 0), (3, 'dup', 0)`); !errors.Is(err, table.ErrDuplicateKey) {
		t.Fatalf("duplicate insert: %v", err)
	}

	// An explicit transaction publishes its changes in statement order.
	f.mustExec(t, `BEGIN; INSERT INTO users VALUES (5, 'eve', 2.25); UPDATE users SET score = 3 WHERE id = 5; COMMIT`)

	want := []string{
		`users insert null {"id":1,"name":"ann","score":1.50}`,
		`users insert null {"id":2,"name":"bob","score":null}`,
		`users update {"id":1,"name":"ann","score":1.50} {"id":1,"name":"anne","score":1.50}`,
		`users update {"id":2,"name":"bob","score":null} {"id":3,"name":"bob","score":null}`,
		`users delete {"id":1,"name":"anne","score":1.50} null`,
		`users insert null {"id":5,"name":"eve","score":2.25}`,
		`users update {"id":5,"name":"eve","score":2.25} {"id":5,"name":"eve","score":3.00}`,
	}
	if got := f.changes(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if info, err := f.eng.Table(context.Background(), "users"); err != nil || info.Capture != "cdc" {
		t.Fatalf("TableInfo.Capture = %q, %v", info.Capture, err)
	}

	// Off again: no more events.
	if err := f.eng.CaptureChanges(context.Background(), "users", ""); err != nil {
		t.Fatal(err)
	}
	f.mustExec(t, `INSERT INTO users VALUES (6, 'f', 0)`)
	if got := f.changes(t); len(got) != len(want) {
		t.Fatalf("%d events after capture was turned off, want %d", len(got), len(want))
	}
}

func TestCaptureChangesErrors(t *testing.T) {
	db := openTestDB(t, "memory")
	ctx := context.Background()
	if err := Open(db).CaptureChanges(ctx, "users", "cdc"); !errors.Is(err, ErrNoStreams) {
		t.Fatalf("without streams: %v", err)
	}
	f := newCDC(t, db)
	f.mustExec(t, `CREATE TABLE users (id INT PRIMARY KEY)`)
	if err := f.eng.CaptureChanges(ctx, "nope", "cdc"); !errors.Is(err, table.ErrNoSuchTable) {
		t.Fatalf("unknown table: %v", err)
	}
	if err := f.eng.CaptureChanges(ctx, "users", "nope"); !errors.Is(err, stream.ErrUnknownChannel) {
		t.Fatalf("unknown channel: %v", err)
	}
	// A captured table written by an engine nobody gave a stream store
	// refuses the write instead of losing the change.
	if err := f.eng.CaptureChanges(ctx, "users", "cdc"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(db).NewSession().Exec(ctx, `INSERT INTO users VALUES (1)`)
	if !errors.Is(err, table.ErrNoChangeReceiver) {
		t.Fatalf("write without a receiver: %v", err)
	}
	if got := f.changes(t); len(got) != 0 {
		t.Fatalf("events %v", got)
	}
}

// TestCaptureSurvivesRestart reopens an on-disk database: the setting is
// in the table's descriptor.
func TestCaptureSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() (*mvcc.DB, func()) {
		e, err := engine.Open("btree", engine.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		db, err := mvcc.Open(e, mvcc.Options{SyncOnCommit: true})
		if err != nil {
			t.Fatal(err)
		}
		return db, func() { db.Close(); e.Close() }
	}
	db, closeDB := open()
	f := newCDC(t, db)
	f.mustExec(t, `CREATE TABLE users (id INT PRIMARY KEY, name TEXT)`)
	if err := f.eng.CaptureChanges(context.Background(), "users", "cdc"); err != nil {
		t.Fatal(err)
	}
	f.mustExec(t, `INSERT INTO users VALUES (1, 'a')`)
	f.st.Close()
	closeDB()

	db, closeDB = open()
	defer closeDB()
	f = newCDC(t, db)
	f.mustExec(t, `INSERT INTO users VALUES (2, 'b')`)
	want := []string{`users insert null {"id":1,"name":"a"}`, `users insert null {"id":2,"name":"b"}`}
	if got := f.changes(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("events after restart:\n%s", strings.Join(got, "\n"))
	}
}

// TestCaptureConcurrentWriters runs autocommit inserts from several
// sessions: writers of one channel conflict and retry, and whatever
// commits has exactly one event, with dense offsets.
func TestCaptureConcurrentWriters(t *testing.T) {
	f := newCDC(t, openTestDB(t, "memory"))
	f.mustExec(t, `CREATE TABLE t (id INT PRIMARY KEY)`)
	if err := f.eng.CaptureChanges(context.Background(), "t", "cdc"); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := f.eng.NewSession()
			for i := range each {
				// A conflict after the engine's retries is allowed: the
				// row then did not commit and must have no event.
				_, err := s.Exec(context.Background(), `INSERT INTO t VALUES ($1)`, w*each+i)
				if err != nil && !errors.Is(err, mvcc.ErrConflict) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	res, err := f.s.Exec(context.Background(), `SELECT id FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var rows, events []string
	for _, r := range res[0].Rows {
		rows = append(rows, fmt.Sprintf(`t insert null {"id":%d}`, r[0].I))
	}
	events = f.changes(t)
	sort.Strings(rows)
	sort.Strings(events)
	if len(rows) == 0 || !reflect.DeepEqual(rows, events) {
		t.Fatalf("%d rows committed, %d events; they differ", len(rows), len(events))
	}
}

// BenchmarkCapture is the cost of change data capture on autocommit
// single-row INSERTs (JSON of the row, the event and the channel state
// in the same transaction), memory backend:
//
//	go test ./sql -run '^$' -bench Capture -benchtime 20000x
func BenchmarkCapture(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("capture=%v", on), func(b *testing.B) {
			f := newCDC(b, openTestDB(b, "memory"))
			if err := f.exec(b, `CREATE TABLE t (id INT PRIMARY KEY, name TEXT, v FLOAT)`); err != nil {
				b.Fatal(err)
			}
			if on {
				if err := f.eng.CaptureChanges(context.Background(), "t", "cdc"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := f.exec(b, `INSERT INTO t VALUES ($1, 'some name', 1.5)`, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
