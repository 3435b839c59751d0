package server_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aegisdb/aegis/server/config"
)

// Concurrent clients on overlapping keys get only 200 or 404, and every
// key ends holding one of the values written to it.
func TestConcurrentClients(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	tok := ts.login("root", adminPass)
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := []string{}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				key := fmt.Sprintf("shared-%d", i%5)
				var r response
				switch i % 4 {
				case 0, 1:
					r = ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": key, "value": fmt.Sprintf("w%d-%d", w, i)})
				case 2:
					r = ts.do("GET", "/api/v1/kv/keys/"+key, tok, nil)
				case 3:
					r = ts.do("DELETE", "/api/v1/kv/keys/"+key, tok, nil)
				}
				if r.code != 200 && r.code != 404 {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%d %s", r.code, r.body))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d unexpected replies, first: %s", len(bad), bad[0])
	}
	list := ts.must(ts.do("GET", "/api/v1/kv/keys?prefix=shared-", tok, nil), 200, "list")
	for _, k := range list.json["keys"].([]any) {
		v := k.(map[string]any)["value"].(string)
		var w, i int
		if _, err := fmt.Sscanf(v, "w%d-%d", &w, &i); err != nil || w < 0 || w > 7 {
			t.Errorf("value %q was never written", v)
		}
	}
}
