package parser

import (
	"errors"
	"testing"
)

// The accepted forms are in testdata/golden/dml (round-tripped there);
// these are refusals, each a syntax error with a position.
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
