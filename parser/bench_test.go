package parser

import "testing"

// BenchmarkParse parses typical statements, one per sub-benchmark.
//
//	go test ./parser/ -run '^$' -bench Parse -benchmem -count 5 | tee new.txt; benchstat new.txt
func BenchmarkParse(b *testing.B) {
	cases := []struct{ name, sql string }{
		{"point-select", "SELECT name, email FROM users WHERE id = $1"},
		{"insert-3-rows", "INSERT INTO orders (id, customer, amount) VALUES (1, 10, 9.99), (2, 11, 19.5), (3, 10, 5)"},
		{"update", "UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1"},
		{"join-group-order", "SELECT c.name, count(*) AS n, sum(o.amount) FROM customers AS c JOIN orders AS o ON o.customer = c.id " +
			"WHERE o.created >= DATE '2024-01-01' GROUP BY c.name HAVING sum(o.amount) > 100 ORDER BY n DESC LIMIT 10"},
		{"create-table", "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INT NOT NULL REFERENCES customers (id), " +
			"amount DECIMAL(10,2) DEFAULT 0, note VARCHAR(200), created TIMESTAMP)"},
		{"window-cte", "WITH r AS (SELECT region, amount, rank() OVER (PARTITION BY region ORDER BY amount DESC) AS k FROM sales) " +
			"SELECT * FROM r WHERE k <= 3"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.sql)))
			for b.Loop() {
				if _, err := Parse(c.sql); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
