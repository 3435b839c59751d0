package sql

// Bitmap index benchmarks against SQLite on a 1,000,000-row table with a
// 5-value color and a 10-value size, both in memory:
//
//	go test ./sql -run '^$' -bench 'Bitmap' -benchtime 20x -timeout 30m
//
// Each engine holds the same rows twice: "paint" with indexes on color
// and size (bitmap indexes here, ordinary B-tree indexes in SQLite) and
// "paint_plain" without, which every engine must scan whole.
// AEGIS_BENCH_ROWS changes the table size. Loading is not timed; the
// bitmap indexes are built by CREATE INDEX after the load.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/model/types"
)

var (
	bitmapBenchOnce sync.Once
	bitmapBenchEnv  *benchDBs
	bitmapBenchErr  error
	// bitmapBuild and liteBuild are how long creating both indexes took
	// (ours USING bitmap, SQLite's B-trees), logged by the benchmark.
	bitmapBuild, liteBuild time.Duration
)

var paintColorNames = []string{"red", "green", "blue", "white", "black"}

func loadBitmapBench() (*benchDBs, error) {
	var schema []string
	for _, name := range []string{"paint", "paint_plain"} {
		schema = append(schema, "CREATE TABLE "+name+" (id INT PRIMARY KEY, color TEXT NOT NULL, size INT NOT NULL, price DOUBLE PRECISION NOT NULL)")
	}
	env, err := openBenchDBs(strings.Join(schema, ";"))
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, 3))
	data := make([][]types.Datum, env.rows)
	for i := range data {
		data[i] = []types.Datum{
			types.IntDatum(int64(i + 1)),
			types.TextDatum(paintColorNames[rng.IntN(len(paintColorNames))]),
			types.IntDatum(int64(1 + rng.IntN(10))),
			types.FloatDatum(float64(rng.IntN(100000)) / 100),
		}
	}
	for _, name := range []string{"paint", "paint_plain"} {
		if err := env.load(name, data); err != nil {
			return nil, err
		}
	}
	ctx := context.Background()
	start := time.Now()
	if _, err := env.eng.NewSession().Exec(ctx, "CREATE INDEX paint_color ON paint (color) USING bitmap; CREATE INDEX paint_size ON paint (size) USING bitmap"); err != nil {
		return nil, err
	}
	bitmapBuild = time.Since(start)
	start = time.Now()
	if _, err := env.lite.Exec("CREATE INDEX paint_color ON paint (color); CREATE INDEX paint_size ON paint (size)"); err != nil {
		return nil, err
	}
	liteBuild = time.Since(start)
	return env, env.analyze()
}

func bitmapBenchDB(b *testing.B) *benchDBs {
	bitmapBenchOnce.Do(func() { bitmapBenchEnv, bitmapBenchErr = loadBitmapBench() })
	if bitmapBenchErr != nil {
		b.Fatal(bitmapBenchErr)
	}
	return bitmapBenchEnv
}

var bitmapBenchQueries = []struct{ name, sql string }{
	{"count", "SELECT count(*) FROM %s WHERE color = 'red' AND size IN (1, 2)"},
	{"sum_fetch", "SELECT sum(price) FROM %s WHERE color = 'red' AND size = 3"},
	{"or_count", "SELECT count(*) FROM %s WHERE color = 'black' OR size = 7"},
}

// BenchmarkBitmapIndex runs each query on the indexed and the plain table
// of both engines; the answers are checked to agree first.
func BenchmarkBitmapIndex(b *testing.B) {
	env := bitmapBenchDB(b)
	ctx := context.Background()
	b.Logf("CREATE INDEX of color and size over %d rows: ours USING bitmap %v, SQLite %v", env.rows, bitmapBuild, liteBuild)
	for _, q := range bitmapBenchQueries {
		indexed, plain := fmt.Sprintf(q.sql, "paint"), fmt.Sprintf(q.sql, "paint_plain")
		res, err := env.eng.NewSession().Exec(ctx, "EXPLAIN "+indexed)
		if err != nil {
			b.Fatal(err)
		}
		if plan := formatLines(res[0]); !strings.Contains(plan, "BitmapScan") {
			b.Fatalf("%s: no bitmap scan in\n%s", indexed, plan)
		}
		var answers []string
		for _, sql := range []string{indexed, plain} {
			res, err := env.eng.NewSession().Exec(ctx, sql)
			if err != nil {
				b.Fatal(err)
			}
			answers = append(answers, normalizeDatum(res[0].Rows[0][0]))
			var v any
			if err := env.lite.QueryRow(sql).Scan(&v); err != nil {
				b.Fatal(err)
			}
			answers = append(answers, normalize(v))
		}
		for _, a := range answers[1:] {
			if a != answers[0] {
				b.Fatalf("%s: answers differ: %v", q.name, answers)
			}
		}
		for _, c := range []struct{ engine, sql string }{
			{"aegis/index=bitmap", indexed}, {"aegis/index=none", plain},
			{"sqlite/index=btree", indexed}, {"sqlite/index=none", plain},
		} {
			b.Run("engine="+c.engine+"/"+q.name, func(b *testing.B) {
				if strings.HasPrefix(c.engine, "aegis") {
					s := env.eng.NewSession()
					reportCPU(b, func(int) {
						if _, err := s.Exec(ctx, c.sql); err != nil {
							b.Fatal(err)
						}
					})
					return
				}
				st, err := env.lite.Prepare(c.sql)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				reportCPU(b, func(int) {
					var v any
					if err := st.QueryRow().Scan(&v); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
}

// BenchmarkBitmapInsert inserts 100 rows per statement into the table
// with two bitmap indexes and into the plain one: the price of keeping
// the bitmaps (two chunk rewrites per row).
func BenchmarkBitmapInsert(b *testing.B) {
	env := bitmapBenchDB(b)
	ctx := context.Background()
	next := int64(env.rows) + 1
	rng := rand.New(rand.NewPCG(4, 4))
	for _, name := range []string{"paint", "paint_plain"} {
		b.Run("table="+name, func(b *testing.B) {
			s := env.eng.NewSession()
			reportCPU(b, func(int) {
				var sb strings.Builder
				sb.WriteString("INSERT INTO " + name + " VALUES ")
				for r := 0; r < 100; r++ {
					if r > 0 {
						sb.WriteString(", ")
					}
					fmt.Fprintf(&sb, "(%d, '%s', %d, %d.5)", next, paintColorNames[rng.IntN(5)], 1+rng.IntN(10), rng.IntN(1000))
					next++
				}
				if _, err := s.Exec(ctx, sb.String()); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
