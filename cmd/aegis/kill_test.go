package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// TestKill9 builds the real binary, writes through the API with
// sync_on_commit, kills the server with SIGKILL at random moments,
// restarts it on the same data directory, and checks that every
// acknowledged write (sets, overwrites, deletes, a user) is there. It runs
// on every persistent backend in engine.Backends(). 5 kills per backend by
// default; AEGIS_LONG=1 makes it 25. AEGIS_SEED replays a seed.
func TestKill9(t *testing.T) {
	bin, backends, seed := killSetup(t)
	kills := 5
	if os.Getenv("AEGIS_LONG") == "1" {
		kills = 25
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Logf("seed %d (replay with AEGIS_SEED=%d)", seed, seed)
			killCampaign(t, bin, backend, kills, rand.New(rand.NewPCG(seed, 7)))
		})
	}
}

// killSetup skips in -short mode or without a persistent backend, else
// builds the binary and returns it with the persistent backends and the
// seed (AEGIS_SEED or a fresh one).
func killSetup(t *testing.T) (bin string, backends []string, seed uint64) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	for _, b := range engine.Backends() {
		if b != "memory" {
			backends = append(backends, b)
		}
	}
	if len(backends) == 0 {
		t.Skipf("no persistent backend registered in engine.Backends() (%v): the kill -9 test runs once btree or lsm is linked in", engine.Backends())
	}
	bin = filepath.Join(t.TempDir(), "aegis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	seed = uint64(time.Now().UnixNano())
	if v := os.Getenv("AEGIS_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	return bin, backends, seed
}

// proc is one run of the server binary.
type proc struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
	// drained is closed when stderr reached EOF; os/exec closes the pipe in
	// Wait, so Wait must come after the last line was read.
	drained chan struct{}
}

func startProc(t *testing.T, bin, backend, dir string) *proc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--port", "0", "--backend", backend, "--data-dir", dir,
		"--sync-on-commit", "true", "--set", "rate_limit.enabled=false")
	cmd.Env = append(os.Environ(), "AEGIS_ADMIN_USERNAME=root", "AEGIS_ADMIN_PASSWORD=kill-test-pass", "AEGIS_CONFIG=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: &bytes.Buffer{}, mu: &sync.Mutex{}, drained: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if i := strings.Index(line, "msg=listening addr="); i >= 0 {
				addr <- strings.Fields(line[i+len("msg=listening addr="):])[0]
			}
		}
		close(addr)
		close(p.drained)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			p.wait()
			t.Fatalf("server exited before listening:\n%s", p.log())
		}
		p.url = "http://" + a
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not listen within 60s:\n%s", p.log())
	}
	return p
}

// wait reaps the process after reading all it wrote to stderr.
func (p *proc) wait() error {
	<-p.drained
	return p.cmd.Wait()
}

func (p *proc) log() string { p.mu.Lock(); defer p.mu.Unlock(); return p.logs.String() }

var killClient = &http.Client{Timeout: 30 * time.Second}

// req sends one request; code 0 means no reply (the server is gone).
func req(method, url, token string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	r, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := killClient.Do(r)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil
	}
	var out map[string]any
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// state is what the client knows: the acknowledged value of each key
// ("" = acknowledged deleted), and for keys with a write in flight when
// the server died, the other value the key may hold.
type state struct {
	mu      sync.Mutex
	acked   map[string]string
	maybe   map[string]string
	writes  int
	lastErr string
}

func killCampaign(t *testing.T, bin, backend string, kills int, rng *rand.Rand) {
	dir := t.TempDir()
	st := &state{acked: map[string]string{}, maybe: map[string]string{}}
	userMade := false
	for round := 0; round <= kills; round++ {
		p := startProc(t, bin, backend, dir)
		code, out := req("POST", p.url+"/api/v1/auth/login", "", map[string]string{"username": "root", "password": "kill-test-pass"})
		if code != 200 {
			p.cmd.Process.Kill()
			t.Fatalf("round %d: admin login after restart: %d %v\n%s", round, code, out, p.log())
		}
		token := out["token"].(string)
		verify(t, round, p, token, st)
		if userMade {
			if code, _ := req("POST", p.url+"/api/v1/auth/login", "", map[string]string{"username": "persisted", "password": "persisted-pass"}); code != 200 {
				t.Fatalf("round %d: the user created before a crash cannot log in: %d", round, code)
			}
		} else if code, _ := req("POST", p.url+"/api/v1/admin/users", token, map[string]string{"username": "persisted", "password": "persisted-pass", "role": "viewer"}); code == 201 {
			userMade = true
		}
		if round == kills {
			// The last run ends cleanly: SIGTERM, exit 0.
			p.cmd.Process.Signal(os.Interrupt)
			if err := p.wait(); err != nil {
				t.Fatalf("clean shutdown: %v\n%s", err, p.log())
			}
			if !strings.Contains(p.log(), "storage synced and closed") {
				t.Fatalf("no clean-shutdown line:\n%s", p.log())
			}
			break
		}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				writer(p.url, token, fmt.Sprintf("r%d-w%d", round, w), w, st)
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		p.cmd.Process.Kill() // SIGKILL
		p.wait()
		wg.Wait()
	}
	t.Logf("%d kills, %d acknowledged writes checked after each restart", kills, st.writes)
	if st.writes < kills*5 {
		t.Fatalf("only %d writes acknowledged over %d rounds: the test did not exercise the server (last error: %s)", st.writes, kills, st.lastErr)
	}
}

// writer sets fresh keys, overwrites a hot key and deletes some of its
// keys until the server stops answering.
func writer(url, token, prefix string, w int, st *state) {
	hot := fmt.Sprintf("hot-%d", w)
	var mine []string
	for i := 0; ; i++ {
		var method, key, value, path string
		var body any
		switch {
		case i%5 == 4 && len(mine) > 0:
			key, value, method = mine[0], "", "DELETE"
			mine = mine[1:]
			path = "/api/v1/kv/keys/" + key
		case i%3 == 0:
			key, value, method = hot, fmt.Sprintf("%s-%d", prefix, i), "POST"
		default:
			key, value, method = fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("v%d", i), "POST"
		}
		if method == "POST" {
			path, body = "/api/v1/kv/keys", map[string]any{"key": key, "value": value}
		}
		st.mu.Lock()
		st.maybe[key] = value // in flight: may or may not survive
		st.mu.Unlock()
		code, out := req(method, url+path, token, body)
		st.mu.Lock()
		if code == 200 {
			st.acked[key] = value
			delete(st.maybe, key)
			st.writes++
			if method == "POST" && key != hot {
				mine = append(mine, key)
			}
		} else if code != 0 {
			st.lastErr = fmt.Sprintf("%s %s: %d %v", method, path, code, out)
		}
		st.mu.Unlock()
		if code != 200 {
			return
		}
	}
}

func verify(t *testing.T, round int, p *proc, token string, st *state) {
	t.Helper()
	st.mu.Lock()
	defer st.mu.Unlock()
	check := func(key string) (string, bool) {
		code, out := req("GET", p.url+"/api/v1/kv/keys/"+key, token, nil)
		switch code {
		case 404:
			return "", true
		case 200:
			v, _ := out["value"].(string)
			return v, true
		}
		t.Fatalf("round %d: GET %s: %d %v", round, key, code, out)
		return "", false
	}
	for key, want := range st.acked {
		got, _ := check(key)
		if got == want {
			continue
		}
		if alt, ok := st.maybe[key]; ok && got == alt {
			st.acked[key] = alt // the in-flight write survived: it is now the state
			continue
		}
		p.cmd.Process.Kill()
		t.Fatalf("round %d: key %s = %q after restart, acknowledged %q (in flight: %q)\n%s", round, key, got, want, st.maybe[key], p.log())
	}
	for key, alt := range st.maybe {
		if _, acked := st.acked[key]; acked {
			continue
		}
		got, _ := check(key)
		if got != "" && got != alt {
			t.Fatalf("round %d: never-acknowledged key %s = %q, want absent or %q", round, key, got, alt)
		}
		if got != "" {
			st.acked[key] = got
		}
	}
	st.maybe = map[string]string{}
}
