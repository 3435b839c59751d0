package lsm

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"time"
)

// errStopped ends a compaction that Close interrupted; its outputs are
// removed and nothing is installed.
var errStopped = errors.New("lsm: compaction stopped by Close")

// compaction is one unit of background work: inputs from level and
// level+1 (or from L0 into the base level), output to outLevel.
type compaction struct {
	level, outLevel int
	inputs          [2][]*fileMeta
	score           float64
}

func (c *compaction) String() string {
	return fmt.Sprintf("L%d(%d files) + L%d(%d files) -> L%d", c.level, len(c.inputs[0]), c.outLevel, len(c.inputs[1]), c.outLevel)
}

// levelTargets computes the target size of each level with dynamic level
// sizing: the last level holds what it holds, each level above a tenth
// (LevelMultiplier) of the one below, and the base level (the one L0
// compacts into) is the highest level whose target stays at or above
// LevelBaseSize/multiplier. So live data sits mostly in the last level,
// and space amplification stays near 1 + 1/multiplier.
func (d *DB) levelTargets(v *version) (base int, targets [numLevels]float64) {
	last := numLevels - 1
	size := float64(v.levelSize(last))
	base = last
	mult := float64(d.opts.LevelMultiplier)
	for base > 1 && size > float64(d.opts.LevelBaseSize) {
		size /= mult
		base--
	}
	t := float64(v.levelSize(last))
	targets[last] = t
	for l := last - 1; l >= base; l-- {
		t /= mult
		targets[l] = max(t, float64(d.opts.LevelBaseSize)/mult)
	}
	// L0 output must land above every level holding data, so that upper
	// levels always hold the newer versions.
	for l := 1; l < base; l++ {
		if len(v.levels[l]) > 0 {
			base = l
			break
		}
	}
	return base, targets
}

// pickCompaction chooses the most urgent compaction of v, or nil.
func (d *DB) pickCompaction(v *version) *compaction {
	base, targets := d.levelTargets(v)
	best := &compaction{score: 0}
	if n := len(v.levels[0]); n > 0 {
		// L0 is due when it has too many files for reads, or holds more
		// bytes than the level it compacts into should: left alone, a big
		// last flush would sit in L0 for good.
		score := float64(n) / float64(d.opts.L0CompactionTrigger)
		baseTarget := max(targets[base], float64(d.opts.LevelBaseSize)/float64(d.opts.LevelMultiplier))
		score = max(score, float64(v.levelSize(0))/baseTarget)
		best = &compaction{level: 0, outLevel: base, score: score}
	}
	for l := 1; l < numLevels-1; l++ {
		size := float64(v.levelSize(l))
		if size == 0 {
			continue
		}
		var score float64
		if l < base || targets[l] == 0 {
			score = 100 + size // data above the base level drains down
		} else {
			score = size / targets[l]
		}
		if score > best.score {
			best = &compaction{level: l, outLevel: l + 1, score: score}
		}
	}
	if best.score < 1 {
		return nil
	}
	c := best
	if c.level == 0 {
		c.inputs[0] = append([]*fileMeta(nil), v.levels[0]...)
	} else {
		c.inputs[0] = []*fileMeta{d.nextFileToCompact(v, c.level)}
	}
	lo, hi := keyRange(c.inputs[0])
	c.inputs[1] = v.overlaps(c.outLevel, lo, hi)
	return c
}

// nextFileToCompact picks files of a level round robin by key, so every
// part of the key space gets compacted in turn.
func (d *DB) nextFileToCompact(v *version, l int) *fileMeta {
	fs := v.levels[l]
	ptr := d.compactPtr[l]
	i := sort.Search(len(fs), func(i int) bool { return bytes.Compare(fs[i].smallest.ukey, ptr) > 0 })
	if ptr == nil || i == len(fs) {
		i = 0
	}
	return fs[i]
}

func keyRange(fs []*fileMeta) (lo, hi []byte) {
	for i, f := range fs {
		if i == 0 || bytes.Compare(f.smallest.ukey, lo) < 0 {
			lo = f.smallest.ukey
		}
		if i == 0 || bytes.Compare(f.largest.ukey, hi) > 0 {
			hi = f.largest.ukey
		}
	}
	return lo, hi
}

// compactLoop runs compactions while any level is over its target.
func (d *DB) compactLoop() {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		var c *compaction
		var v *version
		for {
			if d.stopping || d.bgErr != nil {
				d.mu.Unlock()
				return
			}
			if c = d.pickCompaction(d.current); c != nil {
				v = d.current
				v.ref()
				d.compacting = true
				break
			}
			d.cond.Wait()
		}
		d.mu.Unlock()
		err := d.runCompaction(v, c)
		v.unref()
		d.mu.Lock()
		d.compacting = false
		d.cond.Broadcast()
		d.mu.Unlock()
		if errors.Is(err, errStopped) {
			return
		}
		if err != nil {
			d.setBgErr(fmt.Errorf("lsm: compaction %v: %w", c, err))
			return
		}
	}
}

// runCompaction merges the inputs into new tables of outLevel and installs
// them in place of the inputs. A single input file with nothing to merge
// moves down without being rewritten.
func (d *DB) runCompaction(v *version, c *compaction) error {
	start := time.Now()
	if c.level > 0 {
		d.compactPtr[c.level] = append([]byte(nil), c.inputs[0][0].largest.ukey...)
	}
	e := &versionEdit{}
	for i, fs := range c.inputs {
		l := c.level
		if i == 1 {
			l = c.outLevel
		}
		for _, f := range fs {
			e.deleted = append(e.deleted, deletedFile{l, f.num})
		}
	}
	if len(c.inputs[0]) == 1 && len(c.inputs[1]) == 0 {
		e.added = append(e.added, addedFile{c.outLevel, c.inputs[0][0]})
		if err := d.logAndApply(e); err != nil {
			return err
		}
		d.m.trivialMoves.Add(1)
		return nil
	}
	var iters []internalIterator
	var inBytes uint64
	for i, fs := range c.inputs {
		if i == 0 && c.level == 0 {
			for _, f := range fs {
				t, err := d.table(f)
				if err != nil {
					return err
				}
				ti := t.newIter()
				ti.noFill = true
				iters = append(iters, ti)
			}
		} else if len(fs) > 0 {
			li := newLevelIter(d, fs)
			li.noFill = true
			iters = append(iters, li)
		}
		for _, f := range fs {
			inBytes += f.size
		}
	}
	it := newMergingIter(iters)
	defer it.Close()
	out := &tableOutput{d: d, splitSize: uint64(d.opts.TargetFileSize)}
	drop := func(k ikey) bool {
		return k.kind() == kindDelete && !d.keyBelow(v, c.outLevel, k.ukey)
	}
	if err := writeTables(it, out, drop, d.stopFlag.Load); err != nil {
		out.abort()
		return err
	}
	for _, f := range out.files {
		e.added = append(e.added, addedFile{c.outLevel, f})
	}
	e.setLastSeq(out.maxSeq)
	if err := d.logAndApply(e); err != nil {
		abortUnlessLogged(out, err)
		return err
	}
	d.m.compactions.Add(1)
	d.m.compactBytesRead.Add(inBytes)
	d.m.compactBytesWritten.Add(out.bytes)
	d.m.compactNanos.Add(uint64(time.Since(start)))
	return nil
}

// keyBelow reports whether any level below l may hold ukey: if none does,
// a tombstone for it has nothing left to hide and is dropped.
func (d *DB) keyBelow(v *version, l int, ukey []byte) bool {
	for lower := l + 1; lower < numLevels; lower++ {
		if v.fileFor(lower, ukey) != nil {
			return true
		}
	}
	return false
}

// WaitIdle waits until no memtable waits for a flush and no compaction
// is due or running: the tree has settled. It returns the background
// error, if any.
func (d *DB) WaitIdle() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.bgErr == nil && !d.stopping && (len(d.imm) > 0 || d.compacting || d.pickCompaction(d.current) != nil) {
		d.cond.Wait()
	}
	return d.bgErr
}
