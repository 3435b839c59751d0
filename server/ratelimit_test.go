package server

import (
	"testing"
	"time"
)

func TestLimiterRefills(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := newLimiter(60, func() time.Time { return now }) // one token per second
	for i := 0; i < 60; i++ {
		if d := l.take("a"); !d.allowed || d.remaining != 59-i {
			t.Fatalf("take %d: %+v", i, d)
		}
	}
	d := l.take("a")
	if d.allowed || d.retry != time.Second || !d.reset.Equal(now.Add(60*time.Second)) {
		t.Fatalf("empty bucket: %+v", d)
	}
	if !l.take("b").allowed {
		t.Fatal("buckets are per IP")
	}
	now = now.Add(1500 * time.Millisecond)
	if d := l.take("a"); !d.allowed || d.remaining != 0 {
		t.Fatalf("after 1.5 s: %+v", d)
	}
	now = now.Add(time.Hour)
	if d := l.take("a"); !d.allowed || d.remaining != 59 {
		t.Fatalf("refill caps at the limit: %+v", d)
	}
	if l.refused() != 1 {
		t.Fatalf("refused = %d", l.refused())
	}
	l.take("c")
	now = now.Add(2 * time.Minute)
	l.take("a")
	if _, ok := l.buckets["c"]; ok {
		t.Fatal("full buckets are swept")
	}
}

func TestPasswordHash(t *testing.T) {
	h1, _ := hashPassword("correct horse")
	h2, _ := hashPassword("correct horse")
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no per-user salt")
	}
	if !checkPassword(h1, "correct horse") || checkPassword(h1, "correct horsE") {
		t.Fatal("checkPassword")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "$argon2id$v=19$m=8,t=0,p=1$AA$AA", "$argon2id$v=19$m=8,t=1,p=1$!!$AA"} {
		if checkPassword(bad, "x") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
}
