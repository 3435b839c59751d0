package kv

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/mvcc"
)

// fakeClock is a settable clock for TTL tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func openStore(t *testing.T, opts Options) (*Store, *mvcc.DB) {
	t.Helper()
	e, err := engine.Open("memory", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := mvcc.Open(e, mvcc.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if opts.SweepInterval == 0 {
		opts.SweepInterval = -1
	}
	s := New(db, opts)
	t.Cleanup(func() {
		s.Close()
		db.Close()
		e.Close()
	})
	return s, db
}

func TestSetGetDelete(t *testing.T) {
	s, _ := openStore(t, Options{})
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of a missing key: %v, want ErrNotFound", err)
	}
	if _, err := s.Set([]byte("a"), []byte("1"), 0); err != nil {
		t.Fatal(err)
	}
	e, err := s.Get([]byte("a"))
	if err != nil || string(e.Value) != "1" || !e.ExpiresAt.IsZero() {
		t.Fatalf("get a = %+v, %v", e, err)
	}
	if _, err := s.Set([]byte("a"), []byte("2"), 0); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Get([]byte("a")); string(e.Value) != "2" {
		t.Fatalf("overwrite: got %q", e.Value)
	}
	if err := s.Delete([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete([]byte("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Get([]byte("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestLimits(t *testing.T) {
	s, _ := openStore(t, Options{MaxKeySize: 4, MaxValueSize: 8})
	cases := []struct {
		name       string
		key, value string
		ttl        time.Duration
		want       error
	}{
		{"fits", "abcd", "12345678", 0, nil},
		{"empty key", "", "x", 0, ErrEmptyKey},
		{"key one over", "abcde", "x", 0, ErrKeyTooLarge},
		{"value one over", "a", "123456789", 0, ErrValueTooLarge},
		{"negative ttl", "a", "x", -time.Second, ErrBadTTL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Set([]byte(c.key), []byte(c.value), c.ttl)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Set: %v, want %v", err, c.want)
			}
		})
	}
	if _, err := s.Get([]byte("abcde")); !errors.Is(err, ErrKeyTooLarge) {
		t.Errorf("Get of a long key: %v", err)
	}
	if err := s.Delete(nil); !errors.Is(err, ErrEmptyKey) {
		t.Errorf("Delete of the empty key: %v", err)
	}
	if _, err := s.List([]byte("abcde"), 0); !errors.Is(err, ErrKeyTooLarge) {
		t.Errorf("List with a long prefix: %v", err)
	}
	if k, v := s.Limits(); k != 4 || v != 8 {
		t.Errorf("Limits = %d, %d", k, v)
	}
	d, _ := openStore(t, Options{})
	if k, v := d.Limits(); k != 1024 || v != 1<<20 {
		t.Errorf("default Limits = %d, %d; want 1 KiB, 1 MiB", k, v)
	}
}

func TestTTL(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s, _ := openStore(t, Options{Now: clock.Now})
	s.Set([]byte("short"), []byte("s"), time.Second)
	s.Set([]byte("long"), []byte("l"), time.Hour)
	s.Set([]byte("never"), []byte("n"), 0)
	e, err := s.Get([]byte("short"))
	if err != nil || !e.ExpiresAt.Equal(clock.Now().Add(time.Second)) {
		t.Fatalf("short before expiry: %+v %v", e, err)
	}
	clock.Advance(time.Second) // expiry is exclusive: at ExpiresAt the key is gone
	if _, err := s.Get([]byte("short")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired key still visible: %v", err)
	}
	if err := s.Delete([]byte("short")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete of an expired key: %v", err)
	}
	got, err := s.List(nil, 0)
	if err != nil || len(got) != 2 || string(got[0].Key) != "long" || string(got[1].Key) != "never" {
		t.Fatalf("list after expiry: %v %v", got, err)
	}
	n, err := s.CollectExpired(0)
	if err != nil || n != 1 {
		t.Fatalf("CollectExpired = %d, %v; want 1", n, err)
	}
	if n, _ := s.CollectExpired(0); n != 0 {
		t.Fatalf("second CollectExpired = %d", n)
	}
	// Setting an expired key again brings it back without a TTL.
	s.Set([]byte("long"), []byte("L"), 0)
	clock.Advance(2 * time.Hour)
	if e, err := s.Get([]byte("long")); err != nil || string(e.Value) != "L" {
		t.Fatalf("re-set key: %+v %v", e, err)
	}
	if m := s.Metrics(); m.Expired != 1 || m.Sets != 4 {
		t.Errorf("metrics %+v", m)
	}
}

func TestSweeperCollects(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s, _ := openStore(t, Options{Now: clock.Now, SweepInterval: time.Millisecond, SweepBatch: 3})
	for i := range 10 {
		s.Set([]byte("k"+strconv.Itoa(i)), []byte("v"), time.Second)
	}
	clock.Advance(time.Minute)
	for s.Metrics().Expired < 10 { // the test's own timeout bounds this wait
		time.Sleep(time.Millisecond)
	}
	if m := s.Metrics(); m.Expired != 10 || m.SweepErrors != 0 {
		t.Fatalf("metrics %+v", m)
	}
}

func TestListPrefixAndLimit(t *testing.T) {
	s, db := openStore(t, Options{})
	for _, k := range []string{"user:1", "user:2", "user:3", "usex", "use", "order:1", "\xff\xff"} {
		s.Set([]byte(k), []byte("v-"+k), 0)
	}
	// A neighbour keyspace in the same DB must stay invisible.
	txn, _ := db.Begin(mvcc.TxnOptions{})
	txn.Put([]byte("kv"), []byte("not mine"))
	txn.Put([]byte("kw\x00user:9"), []byte("not mine"))
	txn.Put([]byte("other"), []byte("not mine"))
	if err := txn.Commit(); err != nil {
		t.Fatal(err)
	}
	keys := func(es []Entry) string {
		var ks []string
		for _, e := range es {
			ks = append(ks, string(e.Key))
		}
		return strings.Join(ks, ",")
	}
	cases := []struct {
		prefix string
		limit  int
		want   string
	}{
		{"", 0, "order:1,use,user:1,user:2,user:3,usex,\xff\xff"},
		{"user:", 0, "user:1,user:2,user:3"},
		{"user:", 2, "user:1,user:2"},
		{"use", 0, "use,user:1,user:2,user:3,usex"},
		{"\xff", 0, "\xff\xff"},
		{"nothing", 0, ""},
	}
	for _, c := range cases {
		got, err := s.List([]byte(c.prefix), c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if keys(got) != c.want {
			t.Errorf("List(%q, %d) = %q, want %q", c.prefix, c.limit, keys(got), c.want)
		}
		if n, err := s.Count([]byte(c.prefix)); c.limit == 0 && (err != nil || n != len(got)) {
			t.Errorf("Count(%q) = %d, %v; want %d", c.prefix, n, err, len(got))
		}
		for _, e := range got {
			if string(e.Value) != "v-"+string(e.Key) {
				t.Errorf("value of %q = %q", e.Key, e.Value)
			}
		}
	}
}

func TestCorruptRecord(t *testing.T) {
	s, db := openStore(t, Options{})
	txn, _ := db.Begin(mvcc.TxnOptions{})
	txn.Put(storeKey([]byte("bad")), []byte{9, 0})
	txn.Commit()
	if _, err := s.Get([]byte("bad")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get of a corrupt record: %v", err)
	}
	if _, err := s.List(nil, 0); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("List over a corrupt record: %v", err)
	}
}

func TestConcurrentSetsOfOneKey(t *testing.T) {
	s, _ := openStore(t, Options{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := s.Set([]byte("hot"), []byte(fmt.Sprint(w, i)), 0); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, err := s.Get([]byte("hot")); err != nil {
		t.Fatal(err)
	}
}

// TestModel runs random operations against a map oracle with a fake clock.
// AEGIS_SEED replays a seed; AEGIS_LONG=1 runs more operations.
func TestModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("AEGIS_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (replay with AEGIS_SEED=%d)", seed, seed)
	ops := 3000
	if os.Getenv("AEGIS_LONG") == "1" {
		ops = 100000
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s, _ := openStore(t, Options{Now: clock.Now, MaxValueSize: 64})
	type rec struct {
		value string
		exp   time.Time
	}
	oracle := map[string]rec{}
	alive := func(k string) (rec, bool) {
		r, ok := oracle[k]
		return r, ok && live(r.exp, clock.Now())
	}
	key := func() string { return fmt.Sprintf("k%02d", rng.IntN(40)) }
	for i := range ops {
		switch op := rng.IntN(10); {
		case op < 4:
			k, v := key(), fmt.Sprint(rng.Uint32())
			ttl := time.Duration(0)
			if rng.IntN(3) == 0 {
				ttl = time.Duration(1+rng.IntN(10)) * time.Second
			}
			if _, err := s.Set([]byte(k), []byte(v), ttl); err != nil {
				t.Fatalf("op %d set: %v", i, err)
			}
			r := rec{value: v}
			if ttl > 0 {
				r.exp = clock.Now().Add(ttl)
			}
			oracle[k] = r
		case op < 6:
			k := key()
			e, err := s.Get([]byte(k))
			r, ok := alive(k)
			if ok != (err == nil) || ok && string(e.Value) != r.value {
				t.Fatalf("op %d get %s = %q, %v; oracle %v %v", i, k, e.Value, err, r, ok)
			}
		case op < 7:
			k := key()
			err := s.Delete([]byte(k))
			_, ok := alive(k)
			if ok != (err == nil) || !ok && !errors.Is(err, ErrNotFound) {
				t.Fatalf("op %d delete %s: %v; oracle had it: %v", i, k, err, ok)
			}
			delete(oracle, k)
		case op < 8:
			p := fmt.Sprintf("k%d", rng.IntN(4))
			limit := rng.IntN(5)
			got, err := s.List([]byte(p), limit)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for k := range oracle {
				if _, ok := alive(k); ok && strings.HasPrefix(k, p) {
					want = append(want, k)
				}
			}
			sort.Strings(want)
			if limit > 0 && len(want) > limit {
				want = want[:limit]
			}
			var have []string
			for _, e := range got {
				have = append(have, string(e.Key))
				if !bytes.Equal(e.Value, []byte(oracle[string(e.Key)].value)) {
					t.Fatalf("op %d list value of %s", i, e.Key)
				}
			}
			if strings.Join(have, ",") != strings.Join(want, ",") {
				t.Fatalf("op %d list %q limit %d = %v, want %v", i, p, limit, have, want)
			}
		case op < 9:
			clock.Advance(time.Duration(rng.IntN(3000)) * time.Millisecond)
		default:
			if _, err := s.CollectExpired(1 + rng.IntN(5)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
