package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

type options struct {
	url, token       string
	keys, rows       int
	analyze          bool
	duration, warmup time.Duration
}

func run() error {
	var o options
	var user, pass, workloads, clients string
	flag.StringVar(&o.url, "url", "http://127.0.0.1:9090", "server URL")
	flag.StringVar(&user, "user", os.Getenv("AEGIS_ADMIN_USERNAME"), "user to log in as")
	flag.StringVar(&pass, "password", os.Getenv("AEGIS_ADMIN_PASSWORD"), "password")
	flag.StringVar(&workloads, "workloads", "kv-get,kv-set,sql-pk", "comma-separated: kv-get, kv-set, sql-pk")
	flag.StringVar(&clients, "clients", "1,32", "comma-separated client counts")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per case")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each case")
	flag.IntVar(&o.keys, "keys", 10000, "keys loaded for the KV workloads")
	flag.IntVar(&o.rows, "rows", 100000, "rows loaded for sql-pk (pgbench scale 1 has 100,000)")
	flag.BoolVar(&o.analyze, "analyze", false, "run ANALYZE bench_accounts after loading (sql-pk)")
	flag.Parse()

	tok, err := login(o.url, user, pass)
	if err != nil {
		return err
	}
	o.token = tok
	var counts []int
	for _, c := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return fmt.Errorf("-clients %q: want positive integers", clients)
		}
		counts = append(counts, n)
	}
	fmt.Println("| workload | clients | requests | req/s | p50 | p99 | errors |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for _, w := range strings.Split(workloads, ",") {
		req, err := prepare(o, strings.TrimSpace(w))
		if err != nil {
			return err
		}
		for _, n := range counts {
			r := measure(o, n, req)
			fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %d |\n", w, n, r.requests, r.rate, us(r.p50), us(r.p99), r.errors)
			if r.firstErr != nil {
				fmt.Fprintf(os.Stderr, "%s with %d clients: first error: %v\n", w, n, r.firstErr)
			}
		}
	}
	return nil
}

func us(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }

// request builds one request of a workload from a client's random source.
type request func(rng *rand.Rand) (method, path string, body []byte)

func prepare(o options, workload string) (request, error) {
	c := newClient(1)
	switch workload {
	case "kv-get", "kv-set":
		err := parallel(o.keys, 16, func(i int) error {
			return do(c, o, "POST", "/api/v1/kv/keys", kvBody(i, 0))
		})
		if err != nil {
			return nil, fmt.Errorf("loading keys: %w", err)
		}
		if workload == "kv-get" {
			return func(rng *rand.Rand) (string, string, []byte) {
				return "GET", fmt.Sprintf("/api/v1/kv/keys/key:%08d", rng.IntN(o.keys)), nil
			}, nil
		}
		return func(rng *rand.Rand) (string, string, []byte) {
			return "POST", "/api/v1/kv/keys", kvBody(rng.IntN(o.keys), rng.IntN(1000))
		}, nil
	case "sql-pk":
		if err := do(c, o, "POST", "/api/v1/query", queryBody("DROP TABLE IF EXISTS bench_accounts; CREATE TABLE bench_accounts (aid INT PRIMARY KEY, bid INT, abalance INT, filler VARCHAR(84))")); err != nil {
			return nil, err
		}
		const batch = 500
		err := parallel((o.rows+batch-1)/batch, 4, func(b int) error {
			var sb strings.Builder
			sb.WriteString("INSERT INTO bench_accounts VALUES ")
			for i := b * batch; i < min((b+1)*batch, o.rows); i++ {
				if i > b*batch {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "(%d, 1, 0, '%s')", i+1, strings.Repeat(" ", 84))
			}
			return do(c, o, "POST", "/api/v1/query", queryBody(sb.String()))
		})
		if err != nil {
			return nil, fmt.Errorf("loading rows: %w", err)
		}
		if o.analyze {
			if err := do(c, o, "POST", "/api/v1/query", queryBody("ANALYZE bench_accounts")); err != nil {
				return nil, err
			}
		}
		return func(rng *rand.Rand) (string, string, []byte) {
			return "POST", "/api/v1/query", queryBody("SELECT abalance FROM bench_accounts WHERE aid = $1", rng.IntN(o.rows)+1)
		}, nil
	}
	return nil, fmt.Errorf("unknown workload %q: want kv-get, kv-set or sql-pk", workload)
}

func kvBody(i, v int) []byte {
	b, _ := json.Marshal(map[string]any{"key": fmt.Sprintf("key:%08d", i), "value": map[string]int{"n": v}})
	return b
}

func queryBody(sql string, params ...any) []byte {
	if params == nil {
		params = []any{}
	}
	b, _ := json.Marshal(map[string]any{"sql": sql, "params": params})
	return b
}

// parallel runs fn(0..n-1) on workers goroutines; the first error wins.
func parallel(n, workers int, fn func(int) error) error {
	var mu sync.Mutex
	var first error
	next := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := i >= n || first != nil
				mu.Unlock()
				if stop {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					first = errors.Join(first, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
}

func do(c *http.Client, o options, method, path string, body []byte) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, o.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+o.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	return nil
}

func login(url, user, pass string) (string, error) {
	if user == "" || pass == "" {
		return "", errors.New("pass -user and -password (or set AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD)")
	}
	body, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	resp, err := http.Post(url+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login as %s: %d %s %v", user, resp.StatusCode, out.Error, err)
	}
	return out.Token, nil
}

type result struct {
	requests, errors int
	rate             float64
	p50, p99         time.Duration
	firstErr         error
}

// measure runs n closed-loop clients for the warm-up, then for the
// measured duration, and returns the measured figures.
func measure(o options, n int, req request) result {
	var mu sync.Mutex
	var all []time.Duration
	var res result
	var wg sync.WaitGroup
	start := time.Now()
	measureFrom := start.Add(o.warmup)
	end := measureFrom.Add(o.duration)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(1)
			rng := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			var lat []time.Duration
			errs := 0
			var firstErr error
			for {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				method, path, body := req(rng)
				err := do(c, o, method, path, body)
				if t0.Before(measureFrom) {
					continue
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(all)
	res.requests = len(all)
	res.rate = float64(len(all)) / o.duration.Seconds()
	if len(all) > 0 {
		res.p50 = all[len(all)*50/100]
		res.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return res
}
