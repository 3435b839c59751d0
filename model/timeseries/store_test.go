package timeseries

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/internal/testutil"
	"github.com/aegisdb/aegis/model/modeltest"
	"github.com/aegisdb/aegis/mvcc"
)

func openDB(t testing.TB) *mvcc.DB { return modeltest.OpenDB(t, "memory", false) }

func openStore(t testing.TB, db *mvcc.DB, opts Options) *Store {
	t.Helper()
	if opts.MaintenanceInterval == 0 {
		opts.MaintenanceInterval = -1
	}
	s := New(db, opts)
	t.Cleanup(func() { s.Close() })
	return s
}

func mustRegister(t testing.TB, s *Store, name string) {
	t.Helper()
	if _, err := s.Register(Metric{Name: name, Kind: Gauge, Unit: "percent"}); err != nil {
		t.Fatal(err)
	}
}

func TestRegister(t *testing.T) {
	s := openStore(t, openDB(t), Options{})
	mustRegister(t, s, "cpu_usage")
	if _, err := s.Register(Metric{Name: "cpu_usage", Kind: Gauge}); !errors.Is(err, ErrMetricExists) {
		t.Fatalf("second register: %v, want ErrMetricExists", err)
	}
	for _, m := range []Metric{
		{Name: "", Kind: Gauge}, {Name: "9lives", Kind: Gauge}, {Name: "a b", Kind: Gauge},
		{Name: "ok", Kind: "meter"}, {Name: "ok", Kind: Gauge, Retention: -1},
	} {
		if _, err := s.Register(m); !errors.Is(err, ErrInvalid) {
			t.Errorf("register %+v: %v, want ErrInvalid", m, err)
		}
	}
	mustRegister(t, s, "a_first")
	ms, err := s.Metrics()
	if err != nil || len(ms) != 2 || ms[0].Name != "a_first" || ms[1].Name != "cpu_usage" || ms[1].Unit != "percent" {
		t.Fatalf("Metrics = %v, %v", ms, err)
	}
	if err := s.Write("nope", []Sample{{T: 1, V: 1}}); !errors.Is(err, ErrUnknownMetric) {
		t.Fatalf("write to unknown metric: %v", err)
	}
	if _, err := s.Query(Query{Metric: "nope", End: 10}); !errors.Is(err, ErrUnknownMetric) {
		t.Fatalf("query of unknown metric: %v", err)
	}
}

// oracle keeps every written point per series.
type oracle map[string][]Point // Tags.String() -> points

// TestModel writes random points to a few series with tiny chunks and
// partitions, restarts the store now and then, and compares random raw and
// aggregated queries with a naive computation over the oracle.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testutil.Seed(t), 3))
	db := openDB(t)
	opts := Options{PartitionDuration: 50 * time.Millisecond, ChunkPoints: 7}
	s := openStore(t, db, opts)
	mustRegister(t, s, "m")
	hosts, dcs := []string{"a", "b", "c"}, []string{"east", "west"}
	tagsOf := map[string]Tags{}
	want := oracle{}
	last := map[string]int64{}
	ops := 400
	if testutil.Long() {
		ops = 20_000
	}
	for op := 0; op < ops; op++ {
		switch r := rng.IntN(20); {
		case r == 0: // restart: the new store reloads heads from the DB
			s.Close()
			s = openStore(t, db, opts)
		case r < 14: // write a batch
			var batch []Sample
			pending := map[string]int64{}
			for range 1 + rng.IntN(12) {
				tags := Tags{"host": hosts[rng.IntN(3)], "dc": dcs[rng.IntN(2)]}
				k := tags.String()
				tagsOf[k] = tags
				prev, ok := pending[k]
				if !ok {
					prev = last[k]
				}
				ts := prev + 1 + rng.Int64N(30)
				pending[k] = ts
				v := float64(rng.IntN(10000)) / 100
				if rng.IntN(10) == 0 {
					v = rng.NormFloat64()
				}
				batch = append(batch, Sample{Tags: tags, T: ts, V: v})
			}
			bad := rng.IntN(15) == 0
			if bad { // an out-of-order point makes the whole batch fail
				b := batch[rng.IntN(len(batch))]
				batch = append(batch, Sample{Tags: b.Tags, T: b.T, V: 1})
			}
			err := s.Write("m", batch)
			if bad {
				if !errors.Is(err, ErrOutOfOrder) {
					t.Fatalf("op %d: out-of-order batch: %v", op, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("op %d: write: %v", op, err)
			}
			for _, smp := range batch {
				k := smp.Tags.String()
				want[k] = append(want[k], Point{smp.T, smp.V})
				last[k] = smp.T
			}
		default:
			checkQuery(t, rng, s, want, tagsOf, op)
		}
	}
	checkQuery(t, rng, s, want, tagsOf, ops)
}

var funcs = []string{"sum", "avg", "min", "max", "count", "first", "last", "stddev", "variance", "percentile(90)", "p50"}

func checkQuery(t *testing.T, rng *rand.Rand, s *Store, want oracle, tagsOf map[string]Tags, op int) {
	t.Helper()
	var maxT int64 = 1
	for _, pts := range want {
		if len(pts) > 0 {
			maxT = max(maxT, pts[len(pts)-1].T)
		}
	}
	start := rng.Int64N(maxT + 1)
	end := start + rng.Int64N(maxT+10-start)
	var ms []Matcher
	switch rng.IntN(4) {
	case 1:
		ms = []Matcher{{Name: "host", Op: MatchEqual, Value: "a"}}
	case 2:
		ms = []Matcher{{Name: "dc", Op: MatchNotEqual, Value: "east"}, {Name: "host", Op: MatchRegex, Value: "a|b"}}
	case 3:
		ms = []Matcher{{Name: "host", Op: MatchNotRegex, Value: "[ab]"}}
	}
	q := Query{Metric: "m", Start: start, End: end, Matchers: ms}
	aggregated := rng.IntN(2) == 0
	var fn aggFunc
	if aggregated {
		f := funcs[rng.IntN(len(funcs))]
		fn, _ = parseFunc(f)
		q.Agg = &Aggregation{Function: f, Interval: time.Duration(1+rng.IntN(40)) * time.Millisecond}
		if rng.IntN(2) == 0 {
			q.Agg.GroupBy = []string{"host"}
		}
	}
	got, err := s.Query(q)
	if err != nil {
		t.Fatalf("op %d: query %+v: %v", op, q, err)
	}
	// Expected: filter the oracle, then group and bucket naively.
	groups := map[string]map[int64][]Point{}
	groupTags := map[string]Tags{}
	exp := map[string][]Point{}
	for k, pts := range want {
		tags := tagsOf[k]
		ok := true
		for i := range ms {
			m := ms[i]
			if err := m.compile(); err != nil {
				t.Fatal(err)
			}
			ok = ok && m.matches(tags)
		}
		if !ok {
			continue
		}
		for _, p := range pts {
			if p.T < start || p.T > end {
				continue
			}
			if !aggregated {
				exp[k] = append(exp[k], p)
				continue
			}
			gt := Tags{}
			if q.Agg.GroupBy != nil {
				gt["host"] = tags["host"]
			}
			g := gt.String()
			groupTags[g] = gt
			if groups[g] == nil {
				groups[g] = map[int64][]Point{}
			}
			iv := q.Agg.Interval.Milliseconds()
			b := floorDiv(p.T, iv) * iv
			groups[g][b] = append(groups[g][b], p)
		}
	}
	if aggregated {
		for g, bs := range groups {
			var pts []Point
			for b, ps := range bs {
				pts = append(pts, Point{b, naive(fn, ps)})
			}
			sort.Slice(pts, func(i, j int) bool { return pts[i].T < pts[j].T })
			exp[g] = pts
		}
	}
	if len(got.Series) != len(exp) {
		t.Fatalf("op %d: query %+v agg %+v: %d series, want %d", op, q, q.Agg, len(got.Series), len(exp))
	}
	for _, sr := range got.Series {
		e, ok := exp[sr.Tags.String()]
		if !ok {
			t.Fatalf("op %d: unexpected series %s", op, sr.Tags)
		}
		if len(e) != len(sr.Points) {
			t.Fatalf("op %d: series %s: %d points, want %d (query %+v agg %+v)", op, sr.Tags, len(sr.Points), len(e), q, q.Agg)
		}
		for i := range e {
			if e[i].T != sr.Points[i].T || !near(e[i].V, sr.Points[i].V) {
				t.Fatalf("op %d: series %s point %d = %v, want %v (agg %+v)", op, sr.Tags, i, sr.Points[i], e[i], q.Agg)
			}
		}
	}
}

func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) < 1e-9
}

// naive computes f over points the obvious way.
func naive(f aggFunc, ps []Point) float64 {
	vals := make([]float64, len(ps))
	sum := 0.0
	first, last := ps[0], ps[0]
	for i, p := range ps {
		vals[i] = p.V
		sum += p.V
		if p.T < first.T || p.T == first.T && p.V < first.V {
			first = p
		}
		if p.T > last.T || p.T == last.T && p.V > last.V {
			last = p
		}
	}
	n := float64(len(vals))
	mean := sum / n
	ss := 0.0
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	switch f.kind {
	case aggSum:
		return sum
	case aggAvg:
		return mean
	case aggMin:
		return slices.Min(vals)
	case aggMax:
		return slices.Max(vals)
	case aggCount:
		return n
	case aggFirst:
		return first.V
	case aggLast:
		return last.V
	case aggVariance:
		return ss / n
	case aggStddev:
		return math.Sqrt(ss / n)
	default:
		slices.Sort(vals)
		rank := f.p / 100 * (n - 1)
		lo := int(rank)
		if lo+1 >= len(vals) {
			return vals[lo]
		}
		return vals[lo]*(1-(rank-float64(lo))) + vals[lo+1]*(rank-float64(lo))
	}
}

func TestParseFunc(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind aggKind
		p    float64
		ok   bool
	}{
		{"avg", aggAvg, 0, true}, {"SUM", aggSum, 0, true}, {"percentile(95)", aggPercentile, 95, true},
		{"p99.9", aggPercentile, 99.9, true}, {"percentile(101)", 0, 0, false}, {"percentile(x)", 0, 0, false},
		{"median", 0, 0, false}, {"", 0, 0, false}, {"p", 0, 0, false},
	} {
		f, err := parseFunc(c.in)
		if (err == nil) != c.ok || c.ok && (f.kind != c.kind || f.p != c.p) {
			t.Errorf("parseFunc(%q) = %+v, %v", c.in, f, err)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	s := openStore(t, openDB(t), Options{MaxQueryPoints: 10})
	mustRegister(t, s, "m")
	var batch []Sample
	for i := range 20 {
		batch = append(batch, Sample{Tags: Tags{"h": "x"}, T: int64(i), V: 1})
	}
	if err := s.Write("m", batch); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]Query{
		"reversed range": {Metric: "m", Start: 5, End: 1},
		"bad function":   {Metric: "m", End: 5, Agg: &Aggregation{Function: "mode", Interval: time.Second}},
		"zero interval":  {Metric: "m", End: 5, Agg: &Aggregation{Function: "avg"}},
		"bad regex":      {Metric: "m", End: 5, Matchers: []Matcher{{Name: "h", Op: MatchRegex, Value: "("}}},
		"bad operator":   {Metric: "m", End: 5, Matchers: []Matcher{{Name: "h", Op: "<"}}},
	} {
		if _, err := s.Query(q); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.Query(Query{Metric: "m", End: 100}); !errors.Is(err, ErrTooManyPoints) {
		t.Errorf("20 raw points with a limit of 10: %v", err)
	}
	if _, err := s.Query(Query{Metric: "m", End: 100, Agg: &Aggregation{Function: "max", Interval: time.Second}}); err != nil {
		t.Errorf("max over 20 points holds none: %v", err)
	}
	if err := s.Write("m", []Sample{{T: math.MinInt64}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("timestamp MinInt64: %v", err)
	}
	if res, err := s.Query(Query{Metric: "m", Start: math.MinInt64, End: math.MaxInt64, Agg: &Aggregation{Function: "count", Interval: time.Hour}}); err != nil ||
		len(res.Series) != 1 || res.Series[0].Points[0].V != 20 {
		t.Errorf("query over all of time: %+v, %v", res, err)
	}
	if err := s.Write("m", []Sample{{Tags: Tags{"bad name": "x"}, T: 100}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad tag name: %v", err)
	}
}

func TestRetention(t *testing.T) {
	clock := testutil.NewClock(time.UnixMilli(0))
	s := openStore(t, openDB(t), Options{PartitionDuration: time.Hour, ChunkPoints: 10, Now: clock.Now})
	mustRegister(t, s, "m")
	// Ten hours of one point a minute, in two series.
	for _, host := range []string{"a", "b"} {
		var batch []Sample
		for i := range 600 {
			batch = append(batch, Sample{Tags: Tags{"host": host}, T: int64(i) * 60_000, V: float64(i)})
		}
		if err := s.Write("m", batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRetention("m", 3*time.Hour); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.UnixMilli(10 * 3600_000))
	if err := s.Maintain(); err != nil {
		t.Fatal(err)
	}
	res, err := s.Query(Query{Metric: "m", Start: 0, End: 11 * 3600_000})
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range res.Series {
		if len(sr.Points) != 180 || sr.Points[0].T != 7*3600_000 {
			t.Fatalf("%s: %d points from %d, want 180 from hour 7", sr.Tags, len(sr.Points), sr.Points[0].T)
		}
	}
	// Much later even the heads go, and writing goes on after them.
	clock.Set(time.UnixMilli(100 * 3600_000))
	if err := s.Maintain(); err != nil {
		t.Fatal(err)
	}
	res, _ = s.Query(Query{Metric: "m", Start: 0, End: 11 * 3600_000})
	if len(res.Series) != 0 {
		t.Fatalf("after retention of everything: %d series", len(res.Series))
	}
	if err := s.Write("m", []Sample{{Tags: Tags{"host": "a"}, T: 100 * 3600_000, V: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write("m", []Sample{{Tags: Tags{"host": "a"}, T: 5, V: 1}}); !errors.Is(err, ErrOutOfOrder) {
		t.Fatalf("a point before the last one, after retention: %v", err)
	}
	if st := s.Stats(); st.ChunksDropped == 0 || st.ChunksSealed == 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDownsampling(t *testing.T) {
	clock := testutil.NewClock(time.UnixMilli(0))
	day := 24 * time.Hour
	s := openStore(t, openDB(t), Options{Now: clock.Now})
	mustRegister(t, s, "cpu")
	rng := rand.New(rand.NewPCG(testutil.Seed(t), 4))
	// Ten days of one point a minute for two hosts.
	for _, host := range []string{"a", "b"} {
		var batch []Sample
		for i := range 10 * 24 * 60 {
			batch = append(batch, Sample{Tags: Tags{"host": host}, T: int64(i) * 60_000, V: float64(rng.IntN(10000)) / 100})
		}
		if err := s.Write("cpu", batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddRule(Rule{Name: "cpu_1h", Source: "cpu", Target: "cpu:1h", Function: "avg", Interval: time.Hour, After: 7 * day}); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.UnixMilli(10 * day.Milliseconds()))
	for range 2 { // the second run finds nothing left to do
		if err := s.Maintain(); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Downsampled != 3 {
		t.Fatalf("%d partitions downsampled, want the 3 days older than 7", st.Downsampled)
	}
	end := 3*day.Milliseconds() - 1
	want, err := s.Query(Query{Metric: "cpu", End: end, Agg: &Aggregation{Function: "avg", Interval: time.Hour, GroupBy: []string{"host"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Query(Query{Metric: "cpu:1h", End: 10 * day.Milliseconds()})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Series) != 2 || len(want.Series) != 2 {
		t.Fatalf("%d downsampled series, want 2", len(got.Series))
	}
	for i := range got.Series {
		g, w := got.Series[i], want.Series[i]
		if g.Tags.String() != w.Tags.String() || len(g.Points) != 72 || len(w.Points) != 72 {
			t.Fatalf("series %s: %d points, want 72", g.Tags, len(g.Points))
		}
		for j := range g.Points {
			if g.Points[j].T != w.Points[j].T || !near(g.Points[j].V, w.Points[j].V) {
				t.Fatalf("series %s hour %d: %v, want %v", g.Tags, j, g.Points[j], w.Points[j])
			}
		}
	}
	rules, err := s.Rules()
	if err != nil || len(rules) != 1 || rules[0].Target != "cpu:1h" {
		t.Fatalf("Rules = %v, %v", rules, err)
	}
	if err := s.AddRule(Rule{Name: "x", Source: "cpu", Target: "cpu", Function: "avg", Interval: time.Hour}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("rule onto its source: %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := openStore(t, openDB(t), Options{ChunkPoints: 16})
	mustRegister(t, s, "m")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				batch := []Sample{{Tags: Tags{"w": fmt.Sprint(w)}, T: int64(i), V: float64(i)}}
				if err := s.Write("m", batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	res, err := s.Query(Query{Metric: "m", End: 100, Agg: &Aggregation{Function: "count", Interval: time.Hour, GroupBy: []string{"w"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 8 {
		t.Fatalf("%d series", len(res.Series))
	}
	for _, sr := range res.Series {
		if len(sr.Points) != 1 || sr.Points[0].V != 50 {
			t.Fatalf("%s: %v", sr.Tags, sr.Points)
		}
	}
}
