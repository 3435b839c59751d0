package server

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aegisdb/aegis/mvcc"
)

// Activity is one event of the activity log (GET /api/v1/admin/activities).
type Activity struct {
	ID        uint64    `json:"id"`
	Type      string    `json:"type"` // auth, user, kv, admin, ddl
	Action    string    `json:"action"`
	User      string    `json:"user,omitempty"`
	Target    string    `json:"target,omitempty"`
	ClientIP  string    `json:"client_ip,omitempty"`
	Success   bool      `json:"success"`
	Detail    string    `json:"detail,omitempty"`
	Timestamp time.Time `json:"timestamp"`
}

// Activity types.
var activityTypes = []string{"auth", "user", "kv", "admin", "ddl"}

// auditPrefix is the keyspace of the persistent audit log:
//
//	mvcc key:   | "sys" 0x00 "audit" 0x00 | unix ns:8 BE | id:8 BE |
//	mvcc value: | JSON of Activity |
var auditPrefix = []byte("sys\x00audit\x00")

// activities keeps the most recent events in a ring (all types) and
// writes auth and user events to the audit log in mvcc and to the log.
type activities struct {
	db   *mvcc.DB
	log  *slog.Logger
	mu   sync.Mutex
	ring []Activity
	next int
	full bool
	seq  uint64
}

const activityRing = 1000

func newActivities(db *mvcc.DB, log *slog.Logger) *activities {
	return &activities{db: db, log: log, ring: make([]Activity, activityRing)}
}

// record adds an event; auth, user and ddl events are also audited durably.
func (a *activities) record(ev Activity) {
	a.mu.Lock()
	a.seq++
	ev.ID = a.seq
	ev.Timestamp = time.Now().UTC()
	a.ring[a.next] = ev
	a.next = (a.next + 1) % len(a.ring)
	if a.next == 0 {
		a.full = true
	}
	a.mu.Unlock()
	if ev.Type != "auth" && ev.Type != "user" && ev.Type != "ddl" {
		return
	}
	a.log.Info("audit", "action", ev.Action, "user", ev.User, "target", ev.Target, "ip", ev.ClientIP, "success", ev.Success, "detail", ev.Detail)
	if err := a.persist(ev); err != nil {
		a.log.Error("audit log write failed", "err", err)
	}
}

func (a *activities) persist(ev Activity) error {
	rec, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	key := append([]byte{}, auditPrefix...)
	key = binary.BigEndian.AppendUint64(key, uint64(ev.Timestamp.UnixNano()))
	key = binary.BigEndian.AppendUint64(key, ev.ID)
	txn, err := a.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return fmt.Errorf("server: audit: %w", err)
	}
	if err := txn.Put(key, rec); err != nil {
		txn.Rollback()
		return fmt.Errorf("server: audit: %w", err)
	}
	return txn.Commit()
}

// recent returns up to limit events, newest first, of type typ ("" = all).
func (a *activities) recent(limit int, typ string) []Activity {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.next
	if a.full {
		n = len(a.ring)
	}
	out := []Activity{}
	for i := 1; i <= n && len(out) < limit; i++ {
		ev := a.ring[(a.next-i+len(a.ring))%len(a.ring)]
		if typ == "" || ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// audit returns up to limit persisted audit events, newest first.
func (a *activities) audit(limit int) ([]Activity, error) {
	txn, err := a.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer txn.Rollback()
	end := append(append([]byte{}, auditPrefix[:len(auditPrefix)-1]...), 0x01)
	it := txn.ScanReverse(auditPrefix, end)
	defer it.Close()
	out := []Activity{}
	for len(out) < limit && it.Next() {
		var ev Activity
		if err := json.Unmarshal(it.Value(), &ev); err != nil {
			return nil, fmt.Errorf("server: audit record %x: %w", it.Key(), err)
		}
		out = append(out, ev)
	}
	return out, it.Err()
}
