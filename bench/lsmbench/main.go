package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"
)

// noter is an adapter that can describe its engine's internal state
// (stalls, amplification) after a phase, for the Notes column.
type noter interface{ notes() string }

// kv is what each engine adapter provides.
type kv interface {
	putBatch(keys, vals [][]byte) error
	put(k, v []byte, sync bool) error
	get(k []byte) ([]byte, error)
	scan() (int, error)
	close() error
}

var openers = map[string]func(dir string) (kv, error){}

// result is one engine's figures.
type result struct {
	Engine                                         string
	FillSeq, FillRandom, ReadRandom, Scan, SyncPut float64 // ops/s
	SizeBytes                                      int64
	PeakRSSKiB                                     int64
	Notes                                          string
}

func main() {
	n := flag.Int("n", 1000000, "keys")
	dir := flag.String("dir", os.TempDir(), "parent directory for the stores")
	only := flag.String("engine", "", "run one engine in this process and print JSON (used by the driver)")
	engines := flag.String("engines", "aegis-lsm,pebble,badger,goleveldb", "engines to compare")
	cpuprofile := flag.String("cpuprofile", "", "with -engine: write a CPU profile of each phase named by -profile to this path plus \".phase\"")
	profile := flag.String("profile", "fillseq,fillrandom,readrandom,scan,syncput", "with -cpuprofile: the phases to profile")
	rounds := flag.Int("rounds", 1, "run the engines, one after another, this many times and report each figure's median")
	phaseList := flag.String("phases", "fillseq,fillrandom,readrandom,scan,syncput",
		"phases to run; fillrandom always runs, the others need its store")
	flag.Parse()
	cfg := runConfig{n: *n, parent: *dir, phases: setOf(*phaseList)}
	if *only != "" {
		if *cpuprofile != "" {
			cfg.profile = setOf(*profile)
			cfg.profileOut = *cpuprofile
		}
		r, err := run(*only, cfg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lsmbench:", err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	// On a shared machine the load changes within minutes; interleaving
	// the engines over several rounds exposes each to the same changes.
	names := strings.Split(*engines, ",")
	all := map[string][]result{}
	for round := 1; round <= *rounds; round++ {
		for _, e := range names {
			cmd := exec.Command(os.Args[0], "-engine", e, "-n", fmt.Sprint(*n), "-dir", *dir, "-phases", *phaseList)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				fmt.Fprintf(os.Stderr, "lsmbench: %s: %v\n", e, err)
				continue
			}
			var r result
			if err := json.Unmarshal(out, &r); err != nil {
				fmt.Fprintf(os.Stderr, "lsmbench: %s: %v\n", e, err)
				continue
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				r.PeakRSSKiB = ru.Maxrss
			}
			all[e] = append(all[e], r)
			fmt.Fprintf(os.Stderr, "round %d: %s: fillseq %.0f fillrandom %.0f readrandom %.0f scan %.0f syncput %.0f %s\n",
				round, e, r.FillSeq, r.FillRandom, r.ReadRandom, r.Scan, r.SyncPut, r.Notes)
		}
	}
	var results []result
	for _, e := range names {
		if rs := all[e]; len(rs) > 0 {
			results = append(results, median(rs))
		}
	}
	printTable(results)
}

// median returns each figure's median over rounds (the upper one of the
// middle two for an even count).
func median(rs []result) result {
	pick := func(get func(r result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = get(r)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	return result{
		Engine:     rs[0].Engine,
		FillSeq:    pick(func(r result) float64 { return r.FillSeq }),
		FillRandom: pick(func(r result) float64 { return r.FillRandom }),
		ReadRandom: pick(func(r result) float64 { return r.ReadRandom }),
		Scan:       pick(func(r result) float64 { return r.Scan }),
		SyncPut:    pick(func(r result) float64 { return r.SyncPut }),
		SizeBytes:  int64(pick(func(r result) float64 { return float64(r.SizeBytes) })),
		PeakRSSKiB: int64(pick(func(r result) float64 { return float64(r.PeakRSSKiB) })),
	}
}

func printTable(rs []result) {
	fmt.Println("| engine | fillseq ops/s | fillrandom ops/s | readrandom ops/s | scan keys/s | synced puts/s | size on disk MiB | peak RSS MiB |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		fmt.Printf("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f |\n", r.Engine, r.FillSeq, r.FillRandom, r.ReadRandom, r.Scan, r.SyncPut,
			float64(r.SizeBytes)/(1<<20), float64(r.PeakRSSKiB)/1024)
	}
	var base *result
	for i := range rs {
		if rs[i].Engine == "aegis-lsm" {
			base = &rs[i]
		}
	}
	if base == nil {
		return
	}
	fmt.Println()
	fmt.Println("| aegis-lsm / peer (>1: aegis faster) | fillseq | fillrandom | readrandom | scan | synced puts |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		if r.Engine == base.Engine {
			continue
		}
		fmt.Printf("| vs %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", r.Engine, base.FillSeq/r.FillSeq, base.FillRandom/r.FillRandom,
			base.ReadRandom/r.ReadRandom, base.Scan/r.Scan, base.SyncPut/r.SyncPut)
	}
}

func key(i uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, i)
	binary.BigEndian.PutUint64(k[8:], i*0x9e3779b97f4a7c15)
	return k
}

func value(rng *rand.Rand) []byte {
	v := make([]byte, 100)
	for i := 0; i < len(v); i += 4 {
		binary.LittleEndian.PutUint32(v[i:], rng.Uint32())
	}
	return v
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func opsPerSec(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// runConfig is what one engine's run does.
type runConfig struct {
	n          int
	parent     string
	phases     map[string]bool
	profile    map[string]bool // phases under the CPU profile
	profileOut string
}

func setOf(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		m[strings.TrimSpace(s)] = true
	}
	return m
}

// begin starts a phase's clock, and the CPU profile when it covers the
// phase; the returned function stops both and gives the elapsed time.
func (c runConfig) begin(phase string) func() time.Duration {
	var prof *os.File
	if c.profileOut != "" && c.profile[phase] {
		f, err := os.Create(c.profileOut + "." + phase)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lsmbench: profile:", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "lsmbench: profile:", err)
			f.Close()
		} else {
			prof = f
		}
	}
	start := time.Now()
	return func() time.Duration {
		d := time.Since(start)
		if prof != nil {
			pprof.StopCPUProfile()
			prof.Close()
		}
		return d
	}
}

func run(engine string, c runConfig) (result, error) {
	open, ok := openers[engine]
	if !ok {
		return result{}, fmt.Errorf("unknown engine %q", engine)
	}
	r := result{Engine: engine}
	rng := rand.New(rand.NewPCG(1, 2))
	n, parent := c.n, c.parent
	if c.phases["fillseq"] {
		if err := fillSeq(open, engine, c, rng, &r); err != nil {
			return r, err
		}
	}

	// fillrandom: a fresh store, single puts in random order.
	dir := filepath.Join(parent, engine+"-rand")
	os.RemoveAll(dir)
	db, err := open(dir)
	if err != nil {
		return r, err
	}
	perm := rng.Perm(n)
	end := c.begin("fillrandom")
	for _, i := range perm {
		if err := db.put(key(uint64(i)), value(rng), false); err != nil {
			return r, fmt.Errorf("fillrandom: %w", err)
		}
	}
	r.FillRandom = opsPerSec(n, end())

	if c.phases["readrandom"] {
		// Every key once, in another random order.
		perm = rng.Perm(n)
		end = c.begin("readrandom")
		for _, i := range perm {
			v, err := db.get(key(uint64(i)))
			if err != nil || len(v) != 100 {
				return r, fmt.Errorf("readrandom: key %d: %d bytes, %v", i, len(v), err)
			}
		}
		r.ReadRandom = opsPerSec(n, end())
	}
	if nt, ok := db.(noter); ok {
		r.Notes = nt.notes()
	}

	if c.phases["scan"] {
		end = c.begin("scan")
		cnt, err := db.scan()
		if err != nil || cnt != n {
			return r, fmt.Errorf("scan: %d keys, %v", cnt, err)
		}
		r.Scan = opsPerSec(n, end())
	}

	if c.phases["syncput"] {
		const syncs = 2000
		end = c.begin("syncput")
		for i := 0; i < syncs; i++ {
			if err := db.put(key(uint64(n+i)), value(rng), true); err != nil {
				return r, fmt.Errorf("syncput: %w", err)
			}
		}
		r.SyncPut = opsPerSec(syncs, end())
	}
	if err := db.close(); err != nil {
		return r, err
	}
	r.SizeBytes = dirSize(dir)
	os.RemoveAll(dir)
	return r, nil
}

// fillSeq loads a fresh store with ascending keys in batches of 1000.
func fillSeq(open func(string) (kv, error), engine string, c runConfig, rng *rand.Rand, r *result) error {
	n := c.n
	seqDir := filepath.Join(c.parent, engine+"-seq")
	os.RemoveAll(seqDir)
	db, err := open(seqDir)
	if err != nil {
		return err
	}
	end := c.begin("fillseq")
	keys := make([][]byte, 0, 1000)
	vals := make([][]byte, 0, 1000)
	for i := 0; i < n; i++ {
		keys = append(keys, key(uint64(i)))
		vals = append(vals, value(rng))
		if len(keys) == 1000 || i == n-1 {
			if err := db.putBatch(keys, vals); err != nil {
				return fmt.Errorf("fillseq: %w", err)
			}
			keys, vals = keys[:0], vals[:0]
		}
	}
	r.FillSeq = opsPerSec(n, end())
	if err := db.close(); err != nil {
		return err
	}
	os.RemoveAll(seqDir)
	return nil
}
