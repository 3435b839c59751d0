package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"
)

// TestKill9Streams publishes events through the API with sync_on_commit
// from two publishers, kills the server with SIGKILL at a random moment,
// restarts it on the same directory and checks that every acknowledged
// event is in the channel's history at the offset the publish returned,
// with its data, and that offsets stay dense. 2 kills per persistent
// backend by default; AEGIS_LONG=1 makes it 10. AEGIS_SEED replays.
func TestKill9Streams(t *testing.T) {
	bin, backends, seed := killSetup(t)
	kills := 2
	if os.Getenv("AEGIS_LONG") == "1" {
		kills = 10
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Logf("seed %d (replay with AEGIS_SEED=%d)", seed, seed)
			rng := rand.New(rand.NewPCG(seed, 9))
			dir := t.TempDir()
			var mu sync.Mutex
			acked := map[uint64]string{} // offset -> data of an acknowledged publish
			for round := 0; round <= kills; round++ {
				p := startProc(t, bin, backend, dir)
				code, out := req("POST", p.url+"/api/v1/auth/login", "", map[string]string{"username": "root", "password": "kill-test-pass"})
				if code != 200 {
					p.cmd.Process.Kill()
					t.Fatalf("round %d: login: %d %v", round, code, out)
				}
				token := out["token"].(string)
				if round == 0 {
					if code, out := req("POST", p.url+"/api/v1/streaming/channels", token, map[string]any{"name": "events"}); code != 201 {
						t.Fatalf("create channel: %d %v", code, out)
					}
				}
				verifyEvents(t, round, p, token, acked)
				if round == kills {
					p.cmd.Process.Kill()
					p.wait()
					break
				}
				var wg sync.WaitGroup
				for w := range 2 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; ; i++ {
							data := fmt.Sprintf("r%d-w%d-%d", round, w, i)
							code, out := req("POST", p.url+"/api/v1/streaming/publish", token,
								map[string]any{"channel": "events", "event_type": "e", "data": data})
							if code != 200 {
								return
							}
							mu.Lock()
							acked[uint64(out["offset"].(float64))] = data
							mu.Unlock()
						}
					}()
				}
				time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond)
				p.cmd.Process.Kill() // SIGKILL
				p.wait()
				wg.Wait()
			}
			if len(acked) < kills*5 {
				t.Fatalf("only %d publishes acknowledged over %d rounds", len(acked), kills)
			}
			t.Logf("%d kills, %d acknowledged events checked after each restart", kills, len(acked))
		})
	}
}

func verifyEvents(t *testing.T, round int, p *proc, token string, acked map[uint64]string) {
	t.Helper()
	got := map[uint64]string{}
	next := uint64(0)
	for {
		code, out := req("GET", fmt.Sprintf("%s/api/v1/streaming/channels/events/history?from=%d&limit=10000", p.url, next), token, nil)
		if code != 200 {
			p.cmd.Process.Kill()
			t.Fatalf("round %d: history: %d %v", round, code, out)
		}
		evs, _ := out["events"].([]any)
		for _, e := range evs {
			ev := e.(map[string]any)
			off := uint64(ev["offset"].(float64))
			if off != next {
				p.cmd.Process.Kill()
				t.Fatalf("round %d: offset %d after %d: the log has a hole", round, off, next)
			}
			got[off], _ = ev["data"].(string)
			next++
		}
		if len(evs) < 10000 {
			break
		}
	}
	for off, data := range acked {
		if got[off] != data {
			p.cmd.Process.Kill()
			t.Fatalf("round %d: acknowledged event %d = %q after restart, want %q", round, off, got[off], data)
		}
	}
}
