package stream

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/internal/loop"
	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// Defaults used when Options leaves a field zero.
const (
	DefaultMaxEventSize        = 1 << 20
	DefaultAckTimeout          = 30 * time.Second
	DefaultMaintenanceInterval = time.Minute
	// trimBatch bounds the events one retention transaction deletes.
	trimBatch = 1000
)

// Options configure a Store.
type Options struct {
	// MaxEventSize bounds an event's type plus data in bytes (1 MiB).
	MaxEventSize int
	// AckTimeout is how long a consumer group member has to acknowledge
	// an event before it is delivered again (30 s).
	AckTimeout time.Duration
	// MaintenanceInterval is how often age retention runs in the
	// background; negative turns it off (Maintain still works). 1 min.
	MaintenanceInterval time.Duration
	// Now is the clock for event times, retention and ack deadlines.
	Now func() time.Time
}

// Channel is a channel's configuration. Zero limits mean none.
type Channel struct {
	Name      string        `json:"name"`
	Retention time.Duration `json:"retention_ns,omitempty"` // drop events older than this
	MaxBytes  uint64        `json:"max_bytes,omitempty"`    // keep at most this much payload
	MaxEvents uint64        `json:"max_events,omitempty"`   // keep at most this many events
	CreatedAt time.Time     `json:"created_at"`
}

// ChannelInfo is a channel with the state of its log: offsets
// [FirstOffset, NextOffset) are stored.
type ChannelInfo struct {
	Channel
	FirstOffset, NextOffset, Bytes uint64
}

// Event is one published message. Data is opaque to the store (the server
// keeps JSON there).
type Event struct {
	Channel string
	Offset  uint64
	Type    string
	Data    []byte
	Time    time.Time
}

// Store is the streaming model over an mvcc DB. It is safe for concurrent
// use; writes are serialized by one mutex (see doc.go).
type Store struct {
	db   *mvcc.DB
	opts Options

	mu     sync.Mutex // serializes every write transaction
	closed bool

	nmu     sync.Mutex
	waiters map[string]chan struct{} // closed and replaced on each publish
	// external holds the channels PublishIn wrote to: Notify wakes them.
	external map[string]struct{}
	done     chan struct{} // closed by Close: ends subscriptions

	loop      *loop.Loop
	closeOnce sync.Once

	published, delivered, redelivered, acked, trimmed, maintErrors atomic.Uint64
}

// Stats are the Store's cumulative counters.
type Stats struct {
	Published, Delivered, Redelivered, Acked, Trimmed, MaintenanceErrors uint64
}

// New returns a Store on db and starts its retention goroutine.
func New(db *mvcc.DB, opts Options) *Store {
	if opts.MaxEventSize <= 0 {
		opts.MaxEventSize = DefaultMaxEventSize
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = DefaultAckTimeout
	}
	if opts.MaintenanceInterval == 0 {
		opts.MaintenanceInterval = DefaultMaintenanceInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{db: db, opts: opts, waiters: map[string]chan struct{}{}, external: map[string]struct{}{}, done: make(chan struct{})}
	s.loop = loop.Maintain(opts.MaintenanceInterval, s.Maintain, &s.maintErrors)
	return s
}

// Close stops retention and ends every subscription. It does not close
// the DB.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.loop.Stop()
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.done)
	})
	return nil
}

// Stats returns the Store's counters.
func (s *Store) Stats() Stats {
	return Stats{Published: s.published.Load(), Delivered: s.delivered.Load(), Redelivered: s.redelivered.Load(),
		Acked: s.acked.Load(), Trimmed: s.trimmed.Load(), MaintenanceErrors: s.maintErrors.Load()}
}

// validName accepts 1..200 bytes of [a-zA-Z0-9_.:-].
func validName(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

func checkName(what, s string) error {
	if !validName(s) {
		return invalid("%s name %q: want 1 to 200 of [a-zA-Z0-9_.:-]", what, s)
	}
	return nil
}

// updateAttempts bounds how often update runs a transaction that lost a
// write-write race: the store's own writes are serialized by s.mu, but
// PublishIn writers (change data capture) run outside it.
const updateAttempts = 8

// update runs fn in a read-write transaction under s.mu and commits it,
// again in a fresh transaction after a conflict. fn must reset whatever
// it sets outside the transaction.
func (s *Store) update(fn func(txn *mvcc.Txn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	var fnErr error
	_, err := s.db.Update(updateAttempts, func(txn *mvcc.Txn) error {
		fnErr = fn(txn)
		return fnErr
	})
	if err != nil && err != fnErr { // identity, not errors.Is: is it fn's own error?
		return fmt.Errorf("stream: commit: %w", err)
	}
	return err
}

// view runs fn in a read-only transaction.
func (s *Store) view(fn func(txn *mvcc.Txn) error) error {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("stream: begin: %w", err)
	}
	defer txn.Rollback()
	return fn(txn)
}

// CreateChannel adds a channel; ErrChannelExists if the name is taken.
func (s *Store) CreateChannel(c Channel) (Channel, error) {
	if err := checkName("channel", c.Name); err != nil {
		return Channel{}, err
	}
	if c.Retention < 0 {
		return Channel{}, invalid("channel %q: negative retention", c.Name)
	}
	c.CreatedAt = s.opts.Now().UTC()
	err := s.update(func(txn *mvcc.Txn) error {
		if _, err := txn.Get(channelKey(c.Name)); err == nil {
			return fmt.Errorf("stream: create %q: %w", c.Name, ErrChannelExists)
		} else if !errors.Is(err, mvcc.ErrNotFound) {
			return err
		}
		b, _ := json.Marshal(c)
		if err := txn.Put(channelKey(c.Name), b); err != nil {
			return err
		}
		return txn.Put(metaKey(c.Name), meta{}.encode())
	})
	if err != nil {
		return Channel{}, err
	}
	return c, nil
}

// channelIn reads a channel's configuration and log state in txn.
func channelIn(txn *mvcc.Txn, name string) (ChannelInfo, meta, error) {
	if err := checkName("channel", name); err != nil {
		return ChannelInfo{}, meta{}, err
	}
	k := channelKey(name)
	b, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return ChannelInfo{}, meta{}, fmt.Errorf("stream: channel %q: %w", name, ErrUnknownChannel)
	}
	if err != nil {
		return ChannelInfo{}, meta{}, fmt.Errorf("stream: channel %q: %w", name, err)
	}
	var ci ChannelInfo
	if err := json.Unmarshal(b, &ci.Channel); err != nil {
		return ChannelInfo{}, meta{}, &CorruptionError{Key: k, Reason: "channel record: " + err.Error()}
	}
	mk := metaKey(name)
	mb, err := txn.Get(mk)
	if err != nil {
		return ChannelInfo{}, meta{}, fmt.Errorf("stream: state of channel %q: %w", name, err)
	}
	m, err := decodeMeta(mk, mb)
	if err != nil {
		return ChannelInfo{}, meta{}, err
	}
	ci.FirstOffset, ci.NextOffset, ci.Bytes = m.first, m.next, m.bytes
	return ci, m, nil
}

// Channel returns one channel and the state of its log.
func (s *Store) Channel(name string) (ChannelInfo, error) {
	var ci ChannelInfo
	err := s.view(func(txn *mvcc.Txn) error {
		var err error
		ci, _, err = channelIn(txn, name)
		return err
	})
	return ci, err
}

// Channels lists every channel in name order.
func (s *Store) Channels() ([]ChannelInfo, error) {
	var out []ChannelInfo
	err := s.view(func(txn *mvcc.Txn) error {
		it := txn.Scan(prefixChannel, keyenc.PrefixEnd(prefixChannel))
		var names []string
		for it.Next() {
			names = append(names, string(it.Key()[len(prefixChannel):]))
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for _, n := range names {
			ci, _, err := channelIn(txn, n)
			if err != nil {
				return err
			}
			out = append(out, ci)
		}
		return nil
	})
	return out, err
}

// Publish appends an event to a channel and returns it with its offset.
// Once Publish returns, the event is committed (and synced when the DB
// syncs on commit). Size retention is applied in the same transaction.
func (s *Store) Publish(channel, typ string, data []byte) (Event, error) {
	e, err := s.newEvent(channel, typ, data)
	if err != nil {
		return Event{}, err
	}
	if err := s.update(func(txn *mvcc.Txn) error { return s.appendIn(txn, &e) }); err != nil {
		return Event{}, err
	}
	s.published.Add(1)
	s.wake(channel)
	return e, nil
}

// PublishIn appends an event to a channel inside the caller's read-write
// transaction, so the event is stored if and only if txn commits, at an
// offset after every event committed before it. It does not take the
// store's write lock (the caller holds txn for as long as it likes):
// a concurrent publish to the same channel meets it on the channel's
// state key, and mvcc's first-committer-wins fails the later commit with
// mvcc.ErrConflict, so committed offsets follow commit order. Subscribers
// learn of the event when the caller, after committing, calls Notify.
// Stats.Published does not count it: the store never learns whether txn
// committed.
func (s *Store) PublishIn(txn *mvcc.Txn, channel, typ string, data []byte) (Event, error) {
	e, err := s.newEvent(channel, typ, data)
	if err != nil {
		return Event{}, err
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return Event{}, ErrClosed
	}
	if err := s.appendIn(txn, &e); err != nil {
		return Event{}, err
	}
	s.nmu.Lock()
	s.external[channel] = struct{}{}
	s.nmu.Unlock()
	return e, nil
}

// Notify wakes the subscriptions of every channel PublishIn has written
// to, for a caller that has just committed such a transaction (the store
// cannot see that commit). Waking a subscription with nothing new costs
// it one read.
func (s *Store) Notify() {
	s.nmu.Lock()
	chans := make([]string, 0, len(s.external))
	for c := range s.external {
		chans = append(chans, c)
	}
	s.nmu.Unlock()
	for _, c := range chans {
		s.wake(c)
	}
}

// newEvent checks an event's size and stamps it.
func (s *Store) newEvent(channel, typ string, data []byte) (Event, error) {
	if len(typ) > 200 {
		return Event{}, invalid("event type of %d bytes, at most 200", len(typ))
	}
	if len(typ)+len(data) > s.opts.MaxEventSize {
		return Event{}, fmt.Errorf("stream: event of %d bytes, at most %d: %w", len(typ)+len(data), s.opts.MaxEventSize, ErrTooLarge)
	}
	return Event{Channel: channel, Type: typ, Data: bytes.Clone(data), Time: s.opts.Now().UTC()}, nil
}

// appendIn writes e at the channel's next offset in txn, sets e.Offset
// and applies size retention.
func (s *Store) appendIn(txn *mvcc.Txn, e *Event) error {
	ci, m, err := channelIn(txn, e.Channel)
	if err != nil {
		return err
	}
	e.Offset = m.next
	if err := txn.Put(eventKey(e.Channel, m.next), encodeEvent(*e)); err != nil {
		return err
	}
	m.next++
	m.bytes += uint64(len(e.Data))
	for m.first < m.next && (ci.MaxEvents > 0 && m.next-m.first > ci.MaxEvents || ci.MaxBytes > 0 && m.bytes > ci.MaxBytes) {
		if m.first == e.Offset { // never drop the event being published
			break
		}
		if err := s.trimFirst(txn, e.Channel, &m); err != nil {
			return err
		}
	}
	return txn.Put(metaKey(e.Channel), m.encode())
}

// trimFirst deletes the oldest event of the channel and moves m.first.
func (s *Store) trimFirst(txn *mvcc.Txn, channel string, m *meta) error {
	k := eventKey(channel, m.first)
	b, err := txn.Get(k)
	if err != nil && !errors.Is(err, mvcc.ErrNotFound) {
		return err
	}
	if err == nil {
		ev, err := decodeEvent(channel, m.first, k, b)
		if err != nil {
			return err
		}
		m.bytes -= min(m.bytes, uint64(len(ev.Data)))
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	m.first++
	s.trimmed.Add(1)
	return nil
}

// PublishChange publishes a row change of a table: the event type is
// "change" and the data is {"table", "op", "old", "new"} as JSON. op is
// insert, update or delete; oldRow is nil for an insert, newRow nil for
// a delete. Change data capture from SQL uses PublishChangeIn instead,
// to publish in the writing transaction.
func (s *Store) PublishChange(channel, table, op string, oldRow, newRow map[string]any) (Event, error) {
	data, err := changeData(table, op, oldRow, newRow)
	if err != nil {
		return Event{}, err
	}
	return s.Publish(channel, ChangeEventType, data)
}

// PublishChangeIn is PublishChange inside the caller's transaction (see
// PublishIn): the change event exists if and only if txn commits.
func (s *Store) PublishChangeIn(txn *mvcc.Txn, channel, table, op string, oldRow, newRow map[string]any) (Event, error) {
	data, err := changeData(table, op, oldRow, newRow)
	if err != nil {
		return Event{}, err
	}
	return s.PublishIn(txn, channel, ChangeEventType, data)
}

// ChangeEventType is the type of change data capture events.
const ChangeEventType = "change"

// changeData is the JSON of a change event.
func changeData(table, op string, oldRow, newRow map[string]any) ([]byte, error) {
	switch op {
	case "insert", "update", "delete":
	default:
		return nil, invalid("change op %q: want insert, update or delete", op)
	}
	data, err := json.Marshal(struct {
		Table string         `json:"table"`
		Op    string         `json:"op"`
		Old   map[string]any `json:"old"`
		New   map[string]any `json:"new"`
	}{table, op, oldRow, newRow})
	if err != nil {
		return nil, invalid("change of table %q: row not encodable as JSON: %v", table, err)
	}
	return data, nil
}

// ChangeHook returns a function a table writer can call after each
// committed row change to publish it on channel.
func (s *Store) ChangeHook(channel string) func(table, op string, oldRow, newRow map[string]any) error {
	return func(table, op string, oldRow, newRow map[string]any) error {
		_, err := s.PublishChange(channel, table, op, oldRow, newRow)
		return err
	}
}

// Read returns up to limit events with offsets >= from, oldest first.
// Offsets below the channel's first retained offset are skipped.
func (s *Store) Read(channel string, from uint64, limit int) ([]Event, error) {
	if limit <= 0 {
		return nil, invalid("limit %d: want at least 1", limit)
	}
	var out []Event
	err := s.view(func(txn *mvcc.Txn) error {
		if _, _, err := channelIn(txn, channel); err != nil {
			return err
		}
		var err error
		out, err = readIn(txn, channel, from, limit)
		return err
	})
	return out, err
}

func readIn(txn *mvcc.Txn, channel string, from uint64, limit int) ([]Event, error) {
	var out []Event
	p := eventPrefix(channel)
	it := txn.Scan(eventKey(channel, from), keyenc.PrefixEnd(p))
	defer it.Close()
	for len(out) < limit && it.Next() {
		k := it.Key()
		if len(k) != len(p)+8 {
			return nil, &CorruptionError{Key: bytes.Clone(k), Reason: "event key"}
		}
		ev, err := decodeEvent(channel, binary.BigEndian.Uint64(k[len(p):]), k, it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, it.Err()
}

// History returns the last limit events of a channel, oldest first.
func (s *Store) History(channel string, limit int) ([]Event, error) {
	if limit <= 0 {
		return nil, invalid("limit %d: want at least 1", limit)
	}
	var out []Event
	err := s.view(func(txn *mvcc.Txn) error {
		_, m, err := channelIn(txn, channel)
		if err != nil {
			return err
		}
		from := m.first
		if m.next-m.first > uint64(limit) {
			from = m.next - uint64(limit)
		}
		out, err = readIn(txn, channel, from, limit)
		return err
	})
	return out, err
}

// Maintain applies age retention once: every channel with a Retention
// drops its events older than Now - Retention, oldest first.
func (s *Store) Maintain() error {
	chans, err := s.Channels()
	if err != nil {
		return err
	}
	for _, c := range chans {
		if c.Retention <= 0 {
			continue
		}
		cutoff := s.opts.Now().Add(-c.Retention)
		for {
			n, err := s.trimOlder(c.Name, cutoff)
			if err != nil {
				return fmt.Errorf("stream: retention of %q: %w", c.Name, err)
			}
			if n < trimBatch {
				break
			}
		}
	}
	return nil
}

// trimOlder deletes up to trimBatch of the channel's oldest events that
// were published before cutoff.
func (s *Store) trimOlder(channel string, cutoff time.Time) (int, error) {
	n := 0
	err := s.update(func(txn *mvcc.Txn) error {
		n = 0
		_, m, err := channelIn(txn, channel)
		if err != nil {
			return err
		}
		evs, err := readIn(txn, channel, m.first, trimBatch)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if !ev.Time.Before(cutoff) {
				break
			}
			m.first = ev.Offset
			if err := s.trimFirst(txn, channel, &m); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		return txn.Put(metaKey(channel), m.encode())
	})
	return n, err
}
