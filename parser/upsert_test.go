package parser

import (
	"errors"
	"testing"
)

func TestParseUpsertAndJoinedDML(t *testing.T) {
	for _, q := range []string{
		"insert into t as x values (1,2) on conflict do nothing",
		"insert into t (a,b) select * from u on conflict (a) do update set b = excluded.b + x.b where x.b < 3 returning *",
		"insert into t values (1) on conflict (a, b) do nothing returning a",
		"update t set a = u.a from u, v where t.id = u.id",
		"delete from t as x using u where x.a = u.a returning x.*",
		"insert into t values (1) on conflict do update set a = 1",
	} {
		s, err := Parse(q)
		if err != nil {
			t.Fatal(q, err)
		}
		s2, err := Parse(s.String())
		if err != nil || s2.String() != s.String() {
			t.Fatal(s.String(), err)
		}
		_ = s
	}
}

func TestParseUpsertErrors(t *testing.T) {
	for _, q := range []string{
		"insert into t values (1) on conflict (a",
		"insert into t values (1) on conflict do",
		"insert into t values (1) on conflict do update",
		"insert into t values (1) on conflict () do nothing",
		"insert into t values (1) on conflict do nothing where a",
		"update t set a = 1 from",
		"delete from t using",
		"insert into t x values (1)",
	} {
		_, err := Parse(q)
		if err == nil {
			t.Errorf("%s: parsed", q)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: %v is not a syntax error", q, err)
		}
	}
}
