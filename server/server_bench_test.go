package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/server/config"
)

// BenchmarkKVOverHTTP measures KV get and set through the whole server
// (HTTP on loopback, auth, rate-limit bookkeeping off, JSON, mvcc, memory
// backend) with 1 and 32 concurrent clients, reporting p50/p99 latency.
//
//	go test -run '^$' -bench KVOverHTTP -benchtime 3s ./server/
func BenchmarkKVOverHTTP(b *testing.B) {
	for _, op := range []string{"get", "set"} {
		for _, clients := range []int{1, 32} {
			b.Run(fmt.Sprintf("op=%s/clients=%d", op, clients), func(b *testing.B) {
				ts := start(b, func(c *config.Config) { c.RateLimit.Enabled = false })
				tok := ts.login("root", adminPass)
				for i := range 1000 {
					ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": fmt.Sprintf("key-%04d", i), "value": "v"})
				}
				tr := &http.Transport{MaxIdleConnsPerHost: clients}
				client := &http.Client{Transport: tr}
				defer tr.CloseIdleConnections()
				lat := make([][]time.Duration, clients)
				var wg sync.WaitGroup
				b.ReportAllocs()
				b.ResetTimer()
				for c := range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := c; i < b.N; i += clients {
							key := fmt.Sprintf("key-%04d", i%1000)
							var req *http.Request
							if op == "get" {
								req, _ = http.NewRequest("GET", ts.url+"/api/v1/kv/keys/"+key, nil)
							} else {
								req, _ = http.NewRequest("POST", ts.url+"/api/v1/kv/keys",
									bytes.NewReader([]byte(`{"key":"`+key+`","value":{"n":42,"s":"hello"}}`)))
							}
							req.Header.Set("Authorization", "Bearer "+tok)
							t0 := time.Now()
							resp, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != 200 {
								b.Errorf("%s %s: %d", op, key, resp.StatusCode)
								return
							}
							lat[c] = append(lat[c], time.Since(t0))
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				all := slices.Concat(lat...)
				slices.Sort(all)
				if len(all) > 0 {
					b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
					b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
				}
			})
		}
	}
}
