package sql

// Benchmarks against SQLite (in process, modernc.org/sqlite) on a
// 1,000,000-row table, both in memory:
//
//	go test ./sql -run '^$' -bench . -benchtime 10x -timeout 30m
//
// AEGIS_BENCH_ROWS changes the table size. The tables are loaded once per
// process (not timed): ours through the table layer in 10,000-row
// transactions, SQLite through a prepared INSERT in one transaction.

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
)

type benchDBs struct {
	eng  *Engine
	lite *dbsql.DB
	rows int
}

var (
	benchOnce sync.Once
	benchEnv  *benchDBs
	benchErr  error
)

const benchSchema = `CREATE TABLE fact (id INT PRIMARY KEY, grp INT NOT NULL, dim_id INT NOT NULL, val INT NOT NULL, price DOUBLE PRECISION NOT NULL);
CREATE TABLE dim (id INT PRIMARY KEY, name TEXT NOT NULL, cat INT NOT NULL);
CREATE TABLE ins (id INT PRIMARY KEY, a INT, b TEXT)`

// openBenchDBs opens both databases in memory with schema (statements
// separated by semicolons) on each; the row count comes from
// AEGIS_BENCH_ROWS, 1,000,000 by default.
func openBenchDBs(schema string) (*benchDBs, error) {
	rows := 1_000_000
	if s := os.Getenv("AEGIS_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	e, err := engine.Open("memory", engine.Options{})
	if err != nil {
		return nil, err
	}
	db, err := mvcc.Open(e, mvcc.Options{GCInterval: -1})
	if err != nil {
		return nil, err
	}
	env := &benchDBs{eng: Open(db), rows: rows}
	if _, err := env.eng.NewSession().Exec(context.Background(), schema); err != nil {
		return nil, err
	}
	lite, err := dbsql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	lite.SetMaxOpenConns(1)
	env.lite = lite
	for _, stmt := range strings.Split(schema, ";") {
		if _, err := lite.Exec(stmt); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// load puts rows into table name on both databases: ours straight through
// the table layer in transactions of 10,000 rows (parsing a million rows
// of INSERT text would dominate), SQLite through one prepared INSERT in
// one transaction. Each datum takes its column's exact type.
func (env *benchDBs) load(name string, rows [][]types.Datum) error {
	db := env.eng.db
	for start := 0; start < len(rows); start += 10000 {
		txn, err := db.Begin(mvcc.TxnOptions{})
		if err != nil {
			return err
		}
		d, err := env.eng.cat.Table(txn, name)
		if err != nil {
			return err
		}
		for _, r := range rows[start:min(start+10000, len(rows))] {
			for c := range r {
				r[c].Type = d.Columns[c].Type
			}
			if err := table.Insert(txn, d, r); err != nil {
				return err
			}
		}
		if err := txn.Commit(); err != nil {
			return err
		}
	}
	tx, err := env.lite.Begin()
	if err != nil {
		return err
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(rows[0])), ",")
	st, err := tx.Prepare("INSERT INTO " + name + " VALUES (" + marks + ")")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		args := make([]any, len(r))
		for i, d := range r {
			switch d.Type.Physical() {
			case types.PhysFloat:
				args[i] = d.F
			case types.PhysBytes:
				args[i] = string(d.B)
			default:
				args[i] = d.I
			}
		}
		if _, err := st.Exec(args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// analyze runs ANALYZE on both databases.
func (env *benchDBs) analyze() error {
	if _, err := env.eng.NewSession().Exec(context.Background(), "ANALYZE"); err != nil {
		return err
	}
	_, err := env.lite.Exec("ANALYZE")
	return err
}

func loadBench() (*benchDBs, error) {
	env, err := openBenchDBs(benchSchema)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	fact := make([][]types.Datum, env.rows)
	for i := range fact {
		fact[i] = []types.Datum{
			{Type: types.TypeInt, I: int64(i + 1)},
			{Type: types.TypeInt, I: int64(rng.IntN(10))},
			{Type: types.TypeInt, I: int64(1 + rng.IntN(1000))},
			{Type: types.TypeInt, I: int64(rng.IntN(1000))},
			{Type: types.TypeFloat, F: float64(rng.IntN(100000)) / 100},
		}
	}
	dim := make([][]types.Datum, 1000)
	for i := range dim {
		dim[i] = []types.Datum{
			{Type: types.TypeInt, I: int64(i + 1)},
			types.TextDatum(fmt.Sprintf("item-%04d", i+1)),
			{Type: types.TypeInt, I: int64(i % 20)},
		}
	}
	if err := env.load("fact", fact); err != nil {
		return nil, err
	}
	if err := env.load("dim", dim); err != nil {
		return nil, err
	}
	return env, env.analyze()
}

func benchDB(b *testing.B) *benchDBs {
	benchOnce.Do(func() { benchEnv, benchErr = loadBench() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchEnv
}

var benchQueries = []struct{ name, sql string }{
	{"filtered_count_sum", "SELECT count(*), sum(val) FROM fact WHERE val > 500"},
	{"group_by_10", "SELECT grp, count(*), sum(val), avg(price) FROM fact GROUP BY grp"},
	{"join_dim_group_by", "SELECT d.cat, count(*), sum(f.val) FROM fact f JOIN dim d ON f.dim_id = d.id GROUP BY d.cat"},
	{"order_by_limit_10", "SELECT id, val, price FROM fact ORDER BY price DESC, id LIMIT 10"},
}

// processCPU returns the user+system CPU time the process has used. The
// benchmarks report it per operation beside wall time: on a shared machine
// wall time swings with other load, while CPU time still measures the work
// (garbage collection included), so ratios of it stay comparable.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU runs the benchmark loop body n times and reports CPU time per op.
func reportCPU(b *testing.B, body func(i int)) {
	start := processCPU()
	for i := 0; i < b.N; i++ {
		body(i)
	}
	b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// runSQLite runs a prepared query on SQLite b.N times, reading every row.
func runSQLite(b *testing.B, env *benchDBs, q string) {
	st, err := env.lite.Prepare(q)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	reportCPU(b, func(int) {
		rows, err := st.Query()
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	})
}

func BenchmarkQuery(b *testing.B) {
	env := benchDB(b)
	ctx := context.Background()
	for _, q := range benchQueries {
		// aegis-parallel splits big scans across the cores (opt-in,
		// optimizer.MaxScanWorkers), to show what that buys here.
		for _, workers := range []int{1, 4} {
			name := "engine=aegis/"
			if workers > 1 {
				name = "engine=aegis-parallel/"
			}
			b.Run(name+q.name, func(b *testing.B) {
				defer func(saved int) { optimizer.MaxScanWorkers = saved }(optimizer.MaxScanWorkers)
				optimizer.MaxScanWorkers = workers
				s := env.eng.NewSession()
				reportCPU(b, func(int) {
					if _, err := s.Exec(ctx, q.sql); err != nil {
						b.Fatal(err)
					}
				})
				b.ReportMetric(float64(env.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
		b.Run("engine=sqlite/"+q.name, func(b *testing.B) {
			runSQLite(b, env, q.sql)
			b.ReportMetric(float64(env.rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkPointLookup reads one row by primary key per op, with a
// parameter (a prepared statement on SQLite).
func BenchmarkPointLookup(b *testing.B) {
	env := benchDB(b)
	ctx := context.Background()
	q := "SELECT * FROM fact WHERE id = $1"
	b.Run("engine=aegis", func(b *testing.B) {
		s := env.eng.NewSession()
		rng := rand.New(rand.NewPCG(2, 2))
		reportCPU(b, func(int) {
			res, err := s.Exec(ctx, q, 1+rng.IntN(env.rows))
			if err != nil || len(res[0].Rows) != 1 {
				b.Fatal(err, res)
			}
		})
	})
	b.Run("engine=sqlite", func(b *testing.B) {
		st, err := env.lite.Prepare(strings.Replace(q, "$1", "?", 1))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		rng := rand.New(rand.NewPCG(2, 2))
		reportCPU(b, func(int) {
			var id, g, d, v int64
			var p float64
			if err := st.QueryRow(1+rng.IntN(env.rows)).Scan(&id, &g, &d, &v, &p); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkInsertBatch inserts 100 rows per statement (one op = one
// statement of 100 rows, autocommitted).
func BenchmarkInsertBatch(b *testing.B) {
	env := benchDB(b)
	ctx := context.Background()
	const batch = 100
	mk := func(next *int, placeholder func(int) string) (string, []any) {
		var sb strings.Builder
		sb.WriteString("INSERT INTO ins VALUES ")
		args := make([]any, 0, batch*3)
		for r := 0; r < batch; r++ {
			if r > 0 {
				sb.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&sb, "(%s, %s, %s)", placeholder(n+1), placeholder(n+2), placeholder(n+3))
			*next++
			args = append(args, *next, *next*7, "row-"+strconv.Itoa(*next))
		}
		return sb.String(), args
	}
	var oursNext, liteNext int
	b.Run("engine=aegis", func(b *testing.B) {
		s := env.eng.NewSession()
		reportCPU(b, func(int) {
			q, args := mk(&oursNext, func(n int) string { return "$" + strconv.Itoa(n) })
			if _, err := s.Exec(ctx, q, args...); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("engine=sqlite", func(b *testing.B) {
		q, _ := mk(new(int), func(int) string { return "?" })
		st, err := env.lite.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		reportCPU(b, func(int) {
			_, args := mk(&liteNext, func(int) string { return "?" })
			if _, err := st.Exec(args...); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// indexJoinOnce adds the index the index-join benchmarks probe, on both
// databases, the first time one runs (the other benchmarks do not see it
// unless they run later in the same process).
var indexJoinOnce sync.Once

var indexJoinBenchQueries = []struct{ name, sql, hash string }{
	// One dim row, then the ~1,000 fact rows of its id through fact_dim.
	{"dim_name_to_fact",
		"SELECT count(*), sum(f.val) FROM dim d JOIN fact f ON f.dim_id = d.id WHERE d.name = 'item-0042'",
		"SELECT count(*), sum(f.val) FROM dim d JOIN fact f ON f.dim_id + 0 = d.id WHERE d.name = 'item-0042'"},
	// 50 dim rows, each joined to one fact row by fact's primary key.
	{"dim_cat_to_fact_pk",
		"SELECT d.name, f.val, f.price FROM dim d JOIN fact f ON f.id = d.id WHERE d.cat = 3",
		"SELECT d.name, f.val, f.price FROM dim d JOIN fact f ON f.id + 0 = d.id WHERE d.cat = 3"},
}

// BenchmarkIndexJoin runs selective joins that our optimizer plans as
// index nested-loop joins (checked with EXPLAIN first) beside SQLite,
// which answers them with its own index lookups. engine=aegis-hash runs
// the same join with the key written as an expression (f.id + 0), which
// no index serves, so it shows what the hash join it replaces costs:
//
//	go test ./sql -run '^$' -bench IndexJoin -benchtime 10x
func BenchmarkIndexJoin(b *testing.B) {
	env := benchDB(b)
	ctx := context.Background()
	indexJoinOnce.Do(func() {
		if _, err := env.eng.NewSession().Exec(ctx, "CREATE INDEX fact_dim ON fact (dim_id)"); err != nil {
			b.Fatal(err)
		}
		if _, err := env.lite.Exec("CREATE INDEX fact_dim ON fact (dim_id); ANALYZE"); err != nil {
			b.Fatal(err)
		}
	})
	ours := func(q, algo string) func(b *testing.B) {
		return func(b *testing.B) {
			s := env.eng.NewSession()
			res, err := s.Exec(ctx, "EXPLAIN "+q)
			if err != nil {
				b.Fatal(err)
			}
			var plan strings.Builder
			for _, row := range res[0].Rows {
				plan.WriteString(row[0].String() + "\n")
			}
			if !strings.Contains(plan.String(), algo) {
				b.Fatalf("no %s in the plan:\n%s", algo, plan.String())
			}
			b.ResetTimer()
			reportCPU(b, func(int) {
				if _, err := s.Exec(ctx, q); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
	for _, q := range indexJoinBenchQueries {
		b.Run("engine=aegis/"+q.name, ours(q.sql, "IndexJoin"))
		b.Run("engine=sqlite/"+q.name, func(b *testing.B) { runSQLite(b, env, q.sql) })
		b.Run("engine=aegis-hash/"+q.name, ours(q.hash, "HashJoin"))
	}
}
