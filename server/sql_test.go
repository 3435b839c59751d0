package server_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/server/config"
)

// sqlq posts a query and checks the status and the success flag.
func (ts *testServer) sqlq(token string, code int, text string, params ...any) response {
	ts.t.Helper()
	if params == nil {
		params = []any{}
	}
	r := ts.must(ts.do("POST", "/api/v1/query", token, map[string]any{"sql": text, "params": params}), code, text)
	if ok, _ := r.json["success"].(bool); ok != (code == 200) {
		ts.t.Fatalf("%s: success=%v with status %d: %s", text, r.json["success"], code, r.body)
	}
	if _, ok := r.json["execution_time_ms"].(float64); !ok && code != 401 && code != 403 {
		ts.t.Fatalf("%s: no execution_time_ms: %s", text, r.body)
	}
	return r
}

// data is the reply's "data" re-encoded, for exact comparisons.
func (r response) data(t testing.TB) string {
	t.Helper()
	b, err := json.Marshal(r.json["data"])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestQueryGuideShape(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	r := ts.sqlq(admin, 200, "SELECT 1 + 1 AS result")
	var keys []string
	for k := range r.json {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "data,execution_time_ms,success" || r.data(t) != `{"columns":["result"],"row_count":1,"rows":[[2]]}` {
		t.Fatalf("SELECT 1 + 1: %s", r.body)
	}

	ts.sqlq(admin, 200, "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL, age INT, note TEXT)")
	for i, u := range [][]any{{1, "Alice", 25}, {2, "Bob", 30}, {3, "Carol", 19}} {
		ins := ts.sqlq(admin, 200, "INSERT INTO users (id, name, age) VALUES ($1, $2, $3)", u...)
		if ins.data(t) != `{"columns":[],"row_count":0,"rows":[],"rows_affected":1}` {
			t.Fatalf("insert %d: %s", i, ins.body)
		}
	}
	sel := ts.sqlq(admin, 200, "SELECT id, name, age FROM users WHERE age > $1 ORDER BY id", 21)
	if sel.data(t) != `{"columns":["id","name","age"],"row_count":2,"rows":[[1,"Alice",25],[2,"Bob",30]]}` {
		t.Fatalf("guide query: %s", sel.body)
	}
	// A script answers its last statement; DML with RETURNING has rows too.
	upd := ts.sqlq(admin, 200, "UPDATE users SET age = age + 1 WHERE id = 1; UPDATE users SET note = 'x' WHERE age < $1 RETURNING id", 100)
	if upd.data(t) != `{"columns":["id"],"row_count":3,"rows":[[1],[2],[3]],"rows_affected":3}` {
		t.Fatalf("script: %s", upd.body)
	}
	if d := ts.sqlq(admin, 200, "DELETE FROM users WHERE id = 3"); d.data(t) != `{"columns":[],"row_count":0,"rows":[],"rows_affected":1}` {
		t.Fatalf("delete: %s", d.body)
	}
	// Numbers stay exact; NULL, booleans, decimals and JSON come back typed.
	ts.sqlq(admin, 200, "CREATE TABLE t (id BIGINT PRIMARY KEY, ok BOOLEAN, price DECIMAL(10,2), doc JSON, f DOUBLE)")
	ts.sqlq(admin, 200, "INSERT INTO t VALUES ($1, $2, $3, $4, $5)", json.Number("9007199254740993"), true, "12.50", map[string]any{"a": []int{1}}, 0.5)
	ts.sqlq(admin, 200, "INSERT INTO t (id) VALUES (2)")
	got := ts.sqlq(admin, 200, "SELECT * FROM t ORDER BY id")
	if !strings.Contains(string(got.body), `"rows":[[2,null,null,null,null],[9007199254740993,true,12.50,{"a":[1]},0.5]]`) {
		t.Fatalf("typed values: %s", got.body)
	}
	// BEGIN ... ROLLBACK in one request; a BEGIN left open is rolled back.
	ts.sqlq(admin, 200, "BEGIN; INSERT INTO users (id, name) VALUES (10, 'Tx'); ROLLBACK")
	ts.sqlq(admin, 200, "BEGIN; INSERT INTO users (id, name) VALUES (11, 'Open')")
	ts.sqlq(admin, 200, "BEGIN; INSERT INTO users (id, name) VALUES (12, 'Done'); COMMIT")
	if c := ts.sqlq(admin, 200, "SELECT id FROM users WHERE id >= 10"); c.data(t) != `{"columns":["id"],"row_count":1,"rows":[[12]]}` {
		t.Fatalf("transactions: %s", c.body)
	}
	// SHOW TABLES and EXPLAIN work through the route.
	if sh := ts.sqlq(admin, 200, "SHOW TABLES"); sh.data(t) != `{"columns":["table_name"],"row_count":2,"rows":[["t"],["users"]]}` {
		t.Fatalf("show tables: %s", sh.body)
	}
	if ex := ts.sqlq(admin, 200, "EXPLAIN SELECT * FROM users WHERE id = 1"); !strings.Contains(string(ex.body), "QUERY PLAN") {
		t.Fatalf("explain: %s", ex.body)
	}
}

// Every mistake a client can make in SQL is a 4xx with success=false.
func TestQueryErrors(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL, email TEXT UNIQUE)")
	ts.sqlq(admin, 200, "INSERT INTO users VALUES (1, 'Alice', 'a@x')")
	ts.sqlq(admin, 200, "CREATE TABLE orders (id INT PRIMARY KEY, uid INT REFERENCES users)")
	ts.sqlq(admin, 200, "INSERT INTO orders VALUES (1, 1)")
	cases := []struct {
		sql    string
		params []any
		code   int
		msg    string
	}{
		{"SELEC 1", nil, 400, "syntax error at line 1, column 1"},
		{"SELECT * FROM", nil, 400, "syntax error"},
		{"SELECT " + strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000), nil, 400, "nested too deeply"},
		{"SELECT * FROM nosuch", nil, 400, `relation "nosuch" does not exist`},
		{"SELECT nosuch FROM users", nil, 400, `column "nosuch" does not exist`},
		{"DROP TABLE nosuch", nil, 400, "nosuch"},
		{"INSERT INTO users VALUES (1, 'Dup', 'b@x')", nil, 409, "duplicate key"},
		{"INSERT INTO users VALUES (2, 'Dup', 'a@x')", nil, 409, "duplicate key"},
		{"INSERT INTO users (id) VALUES (3)", nil, 409, "NOT NULL"},
		{"CREATE TABLE users (id INT)", nil, 409, "exists"},
		{"INSERT INTO orders VALUES (2, 7)", nil, 409, `violates foreign key constraint "orders_uid_fkey"`},
		{"DELETE FROM users", nil, 409, `violates foreign key constraint "orders_uid_fkey" on table "orders"`},
		{"DROP TABLE users", nil, 409, "other objects depend on it"},
		{"CREATE TABLE bad (x INT REFERENCES nosuch)", nil, 400, `relation "nosuch" does not exist`},
		{"CREATE TABLE bad (x TEXT REFERENCES users(name))", nil, 400, "no unique constraint"},
		{"INSERT INTO users VALUES (4, 'TooLongName', 'c@x')", nil, 400, "too long"},
		{"SELECT 1 / 0", nil, 400, "division by zero"},
		{"SELECT CAST('abc' AS INT)", nil, 400, "invalid"},
		{"SELECT 'abc' + 1", nil, 400, ""},
		{"SELECT 9223372036854775807 + 1", nil, 400, "out of range"},
		{"SELECT $2", []any{1}, 400, ""},
		{"SELECT * FROM users WHERE id = $1", []any{"not-a-number"}, 400, ""},
		{"COMMIT", nil, 400, "no transaction"},
		{"BEGIN; SELECT 1/0; SELECT 1", nil, 400, "division by zero"},
		{"SELECT (SELECT id FROM users UNION ALL SELECT 2)", nil, 400, "more than one row"},
	}
	for _, c := range cases {
		r := ts.sqlq(admin, c.code, c.sql, c.params...)
		if !strings.Contains(r.str("error"), c.msg) {
			t.Errorf("%.60s: error %q lacks %q", c.sql, r.str("error"), c.msg)
		}
		for _, leak := range []string{"optimizer:", "parser:", "table:", "sql:", "vexec:"} {
			if strings.Contains(r.str("error"), leak) {
				t.Errorf("%.60s: error %q shows a Go package prefix", c.sql, r.str("error"))
			}
		}
	}
	// Nothing of the failed statements was written.
	if r := ts.sqlq(admin, 200, "SELECT count(*) FROM users"); r.data(t) != `{"columns":["count"],"row_count":1,"rows":[[1]]}` {
		t.Fatalf("after errors: %s", r.body)
	}
}

// Statements need their own permission beyond the route's SELECT; DDL is
// audited, refused DDL too.
func TestQueryPermissionsAndAudit(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	op := ts.userWithRole(admin, "operator")
	analyst := ts.userWithRole(admin, "analyst")
	viewer := ts.userWithRole(admin, "viewer")

	ts.sqlq(op, 200, "CREATE TABLE items (id INT PRIMARY KEY, qty INT)")
	ts.sqlq(op, 200, "INSERT INTO items VALUES (1, 5), (2, 6)")
	for _, tok := range []string{analyst, viewer} {
		ts.sqlq(tok, 200, "SELECT * FROM items")
		ts.sqlq(tok, 200, "EXPLAIN DELETE FROM items")
		for _, stmt := range []string{
			"INSERT INTO items VALUES (3, 1)", "UPDATE items SET qty = 0", "DELETE FROM items",
			"CREATE TABLE x (a INT)", "DROP TABLE items", "ALTER TABLE items ADD COLUMN c INT",
			"CREATE INDEX ix ON items (qty)", "ANALYZE items", "EXPLAIN ANALYZE DELETE FROM items",
			"SELECT 1; DROP TABLE items", // refused whole: the SELECT does not run either
		} {
			r := ts.sqlq(tok, 403, stmt)
			if !strings.Contains(r.str("error"), "lacks") {
				t.Errorf("%s: %s", stmt, r.body)
			}
		}
	}
	if r := ts.sqlq(viewer, 200, "SELECT count(*) FROM items"); r.data(t) != `{"columns":["count"],"row_count":1,"rows":[[2]]}` {
		t.Fatalf("refused statements changed data: %s", r.body)
	}
	ts.sqlq(op, 200, "ALTER TABLE items ADD COLUMN note TEXT; CREATE INDEX items_qty ON items (qty); ANALYZE items")
	ts.sqlq(op, 200, "UPDATE items SET qty = 0 WHERE id = 1; DELETE FROM items WHERE id = 2")
	ts.sqlq(admin, 200, "DROP INDEX items_qty; DROP TABLE items")

	audit := ts.must(ts.do("GET", "/api/v1/admin/audit?limit=100", admin, nil), 200, "audit")
	var evs struct {
		Events []struct {
			Action, User, Target, Detail string
			Success                      bool
		} `json:"events"`
	}
	if err := json.Unmarshal(audit.body, &evs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ev := range evs.Events {
		seen[fmt.Sprintf("%s %s %s %v", ev.Action, ev.User, ev.Target, ev.Success)] = true
	}
	for _, want := range []string{
		"create_table u-operator items true", "alter_table u-operator items true", "create_index u-operator items.items_qty true",
		"drop_index root items_qty true", "drop_table root items true", "drop_table u-viewer items false", "create_table u-analyst x false",
	} {
		if !seen[want] {
			t.Errorf("audit lacks %q: %s", want, audit.body)
		}
	}
	if a := ts.must(ts.do("GET", "/api/v1/admin/activities?type=ddl", admin, nil), 200, "activities"); !strings.Contains(string(a.body), "CREATE TABLE items") {
		t.Errorf("ddl activities: %s", a.body)
	}
	m := ts.must(ts.do("GET", "/metrics", admin, nil), 200, "metrics")
	for _, want := range []string{`aegis_queries_total{model="sql",op="select"}`, `aegis_queries_total{model="sql",op="create_table"} 1`,
		`aegis_query_duration_seconds_bucket{model="sql",op="insert"`} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestTablesRoutes(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	viewer := ts.userWithRole(admin, "viewer")
	empty := ts.must(ts.do("GET", "/api/v1/tables", viewer, nil), 200, "no tables")
	if string(empty.body) != `{"count":0,"tables":[]}`+"\n" {
		t.Fatalf("empty: %s", empty.body)
	}
	ts.sqlq(admin, 200, "CREATE TABLE orders (id SERIAL PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(20) DEFAULT 'pending', total DECIMAL(10, 2))")
	ts.sqlq(admin, 200, "CREATE INDEX orders_customer ON orders (customer_id); CREATE TABLE a (x INT)")
	list := ts.must(ts.do("GET", "/api/v1/tables", viewer, nil), 200, "tables")
	if list.json["count"] != 2.0 || !strings.Contains(string(list.body), `"name":"a"`) || !strings.Contains(string(list.body), `"name":"orders"`) {
		t.Fatalf("tables: %s", list.body)
	}
	one := ts.must(ts.do("GET", "/api/v1/tables/orders", viewer, nil), 200, "orders")
	var info struct {
		Name    string `json:"name"`
		Columns []struct {
			Name, Type, Default string
			Nullable            bool
			PrimaryKey          bool `json:"primary_key"`
		} `json:"columns"`
		PrimaryKey []string `json:"primary_key"`
		Indexes    []struct {
			Name    string
			Columns []string
		} `json:"indexes"`
		RowCount int64 `json:"row_count"`
	}
	if err := json.Unmarshal(one.body, &info); err != nil {
		t.Fatal(err)
	}
	if info.Name != "orders" || len(info.Columns) != 4 || info.Columns[0].Type != "SERIAL" || !info.Columns[0].PrimaryKey ||
		info.Columns[1].Nullable || info.Columns[2].Default == "" || strings.Join(info.PrimaryKey, ",") != "id" ||
		len(info.Indexes) != 1 || info.Indexes[0].Name != "orders_customer" || info.RowCount != -1 {
		t.Fatalf("orders: %s", one.body)
	}
	ts.must(ts.do("GET", "/api/v1/tables/nosuch", viewer, nil), 404, "unknown table")
	ts.sqlq(admin, 200, "INSERT INTO orders (customer_id) VALUES (1), (2); ANALYZE orders")
	if n := ts.must(ts.do("GET", "/api/v1/tables/orders", viewer, nil), 200, "analyzed"); n.json["row_count"] != 2.0 {
		t.Fatalf("row_count after ANALYZE: %s", n.body)
	}
}

// PUT /api/v1/tables/:name/capture publishes the table's committed row
// changes to a streaming channel, readable through the history route.
func TestTableCaptureRoute(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE orders (id INT PRIMARY KEY, status TEXT)")
	ts.must(ts.do("POST", "/api/v1/streaming/channels", admin, map[string]any{"name": "orders-cdc"}), 201, "channel")
	ts.must(ts.do("PUT", "/api/v1/tables/orders/capture", admin, map[string]any{"channel": "nope"}), 404, "unknown channel")
	ts.must(ts.do("PUT", "/api/v1/tables/nosuch/capture", admin, map[string]any{"channel": "orders-cdc"}), 404, "unknown table")
	ts.must(ts.do("PUT", "/api/v1/tables/orders/capture", admin, map[string]any{}), 400, "no channel field")
	on := ts.must(ts.do("PUT", "/api/v1/tables/orders/capture", admin, map[string]any{"channel": "orders-cdc"}), 200, "capture on")
	if on.str("capture") != "orders-cdc" {
		t.Fatalf("capture on: %s", on.body)
	}
	ts.sqlq(admin, 200, "INSERT INTO orders VALUES (1, 'new'); UPDATE orders SET status = 'paid'")
	ts.sqlq(admin, 200, "BEGIN; DELETE FROM orders; ROLLBACK")
	h := ts.must(ts.do("GET", "/api/v1/streaming/channels/orders-cdc/history?limit=10", admin, nil), 200, "history")
	body := string(h.body)
	if evs, _ := h.json["events"].([]any); len(evs) != 2 ||
		!strings.Contains(body, `"data":{"table":"orders","op":"insert","old":null,"new":{"id":1,"status":"new"}}`) ||
		!strings.Contains(body, `"data":{"table":"orders","op":"update","old":{"id":1,"status":"new"},"new":{"id":1,"status":"paid"}}`) {
		t.Fatalf("change events: %s", body)
	}
	ts.must(ts.do("PUT", "/api/v1/tables/orders/capture", admin, map[string]any{"channel": ""}), 200, "capture off")
}

// SQL tables, rows and DDL survive a clean restart on every persistent
// backend chosen in aegis.toml.
func TestQueryOnEveryBackendSurvivesRestart(t *testing.T) {
	for _, backend := range engine.Backends() {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "aegis.toml")
			text := fmt.Sprintf("[server]\nport = 0\n\n[storage]\nbackend = %q\ndata_directory = %q\n\n[rate_limit]\nenabled = false\n", backend, filepath.Join(dir, "data"))
			if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := config.Load(config.Sources{File: file, NoDefaultFiles: true})
			if err != nil {
				t.Fatal(err)
			}
			ts := startConfig(t, c)
			admin := ts.login("root", adminPass)
			ts.sqlq(admin, 200, "CREATE TABLE kv (k INT PRIMARY KEY, v TEXT)")
			for i := range 100 {
				ts.sqlq(admin, 200, "INSERT INTO kv VALUES ($1, $2)", i, fmt.Sprint("v", i))
			}
			ts.sqlq(admin, 200, "DELETE FROM kv WHERE k >= 90; ALTER TABLE kv ADD COLUMN w INT DEFAULT 7")
			ts.Stop()
			if backend == "memory" {
				return
			}
			again := startConfig(t, c)
			admin = again.login("root", adminPass)
			r := again.sqlq(admin, 200, "SELECT count(*), min(v), max(w) FROM kv")
			if r.data(t) != `{"columns":["count","min","max"],"row_count":1,"rows":[[90,"v0",7]]}` {
				t.Fatalf("after restart: %s", r.body)
			}
			if p := again.sqlq(admin, 200, "SELECT v FROM kv WHERE k = $1", 42); p.data(t) != `{"columns":["v"],"row_count":1,"rows":[["v42"]]}` {
				t.Fatalf("point query after restart: %s", p.body)
			}
		})
	}
}

// FuzzQuery sends arbitrary SQL with arbitrary parameters: never a 5xx.
func FuzzQuery(f *testing.F) {
	ts := start(f, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE f (id INT PRIMARY KEY, s VARCHAR(8), d DECIMAL(6,2), j JSON)")
	h := ts.srv.Handler()
	for _, seed := range []struct{ sql, params string }{
		{"SELECT 1 + 1 AS result", `[]`},
		{"INSERT INTO f VALUES ($1, $2, $3, $4)", `[1, "abc", 1.5, {"a": 1}]`},
		{"SELECT * FROM f WHERE id = $1", `[1e400]`},
		{"UPDATE f SET d = d * 1000000 WHERE id = $1", `[1]`},
		{"SELECT CAST(s AS INT) FROM f", `[]`},
		{"BEGIN; DELETE FROM f; SELECT 1/0; COMMIT", `[]`},
		{"SELECT j->'a' FROM f ORDER BY 1 LIMIT $1", `[-1]`},
	} {
		f.Add(seed.sql, seed.params)
	}
	f.Fuzz(func(t *testing.T, text, params string) {
		if !json.Valid([]byte(params)) {
			params = "[]"
		}
		body := fmt.Sprintf(`{"sql": %s, "params": %s}`, mustJSON(text), params)
		req := httptest.NewRequest("POST", "/api/v1/query", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		req.Header.Set("Authorization", "Bearer "+admin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q %s: %d %s", text, params, rec.Code, rec.Body)
		}
		var reply struct {
			Success *bool  `json:"success"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || reply.Success == nil || (rec.Code >= 400) != (!*reply.Success && reply.Error != "") {
			t.Fatalf("%q: status %d with reply %s", text, rec.Code, rec.Body)
		}
	})
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Many clients write the same table at once: inserts of distinct keys all
// land; increments of one row either apply or answer 409 (a conflict that
// outlived the retries), never 5xx, and the row counts exactly the
// applied ones.
func TestQueryConcurrentWriters(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE c (id INT PRIMARY KEY, n INT)")
	ts.sqlq(admin, 200, "INSERT INTO c VALUES (0, 0)")
	const workers, each = 8, 20
	type outcome struct{ applied, conflicts int }
	results := make(chan outcome, workers)
	for w := range workers {
		go func() {
			var o outcome
			for i := range each {
				r := ts.do("POST", "/api/v1/query", admin, map[string]any{"sql": "INSERT INTO c VALUES ($1, $2)", "params": []int{1 + w*each + i, w}})
				if r.code != 200 {
					t.Errorf("insert: %d %s", r.code, r.body)
				}
				u := ts.do("POST", "/api/v1/query", admin, map[string]any{"sql": "UPDATE c SET n = n + 1 WHERE id = 0"})
				switch u.code {
				case 200:
					o.applied++
				case 409:
					o.conflicts++
				default:
					t.Errorf("update: %d %s", u.code, u.body)
				}
			}
			results <- o
		}()
	}
	applied := 0
	for range workers {
		o := <-results
		applied += o.applied
	}
	r := ts.sqlq(admin, 200, "SELECT count(*), max(n) FROM c")
	if want := fmt.Sprintf(`{"columns":["count","max"],"row_count":1,"rows":[[%d,%d]]}`, 1+workers*each, applied); r.data(t) != want {
		t.Fatalf("got %s, want %s", r.data(t), want)
	}
}

// A DECIMAL parameter sent as a string is typed by its column and exact
// (the documented way around TestLeadDecimalParamsExact).
func TestDecimalStringParamExact(t *testing.T) {
	ts := start(t, nil)
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE d (id INT PRIMARY KEY, x DECIMAL(18,9))")
	ts.sqlq(admin, 200, "INSERT INTO d VALUES (1, $1)", "123456789.123456789")
	if r := ts.sqlq(admin, 200, "SELECT x FROM d WHERE x = $1", "123456789.123456789"); !strings.Contains(string(r.body), `"rows":[[123456789.123456789]]`) {
		t.Fatalf("DECIMAL string param: %s", r.body)
	}
}
