package vfs

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// CrashMode says what becomes of a file's unsynced changes in a crash.
// Directory entries always revert to their last SyncDir, whatever the mode.
type CrashMode int

const (
	// CrashDropUnsynced loses every change not synced.
	CrashDropUnsynced CrashMode = iota
	// CrashTornTail keeps, per file, a random prefix of the unsynced
	// changes in order; the last surviving write is cut at a random byte.
	// It models a log whose tail was being written when power went.
	CrashTornTail
	// CrashRandomWrites keeps, per file, each unsynced change independently
	// with probability 1/2, and a surviving write may be cut at a random
	// byte. It models a disk that reorders page writes.
	CrashRandomWrites
)

func (c CrashMode) String() string {
	switch c {
	case CrashDropUnsynced:
		return "drop-unsynced"
	case CrashTornTail:
		return "torn-tail"
	case CrashRandomWrites:
		return "random-writes"
	}
	return fmt.Sprintf("CrashMode(%d)", int(c))
}

// CrashOptions configure CrashClone. Rand is required unless Mode is
// CrashDropUnsynced; the same Rand state and file system give the same clone.
type CrashOptions struct {
	Mode CrashMode
	Rand *rand.Rand
}

// CrashClone returns a new MemFS holding what would survive a crash now:
// every directory as of its last SyncDir, every file reachable that way with
// its synced bytes plus whatever unsynced changes opts.Mode lets through.
// Everything in the clone is durable and no lock is held. m is unchanged;
// handles on m (say, of goroutines of the "dead" process) keep writing into
// m without touching the clone.
//
// It panics on an unknown mode, or if the mode needs a Rand and none is
// given: that is a broken test, not bad input.
func (m *MemFS) CrashClone(opts CrashOptions) *MemFS {
	switch {
	case opts.Mode < CrashDropUnsynced || opts.Mode > CrashRandomWrites:
		panic("vfs: CrashClone: unknown " + opts.Mode.String())
	case opts.Mode != CrashDropUnsynced && opts.Rand == nil:
		panic("vfs: CrashClone: mode " + opts.Mode.String() + " needs a Rand")
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := &crashCloner{opts: opts, done: make(map[*memNode]*memNode)}
	return &MemFS{root: c.clone(m.root), locks: make(map[string]bool)}
}

type crashCloner struct {
	opts CrashOptions
	// done maps an inode of the original to its clone. An unsynced rename
	// across directories can leave one inode durable under two names; both
	// then name one inode in the clone, as a hard link would.
	done map[*memNode]*memNode
}

// clone copies the durable view of n. Entries are visited in sorted order so
// that a seeded Rand gives the same clone every time.
func (c *crashCloner) clone(n *memNode) *memNode {
	if cl, ok := c.done[n]; ok {
		return cl
	}
	if n.dir {
		cl := newDir()
		cl.modTime = n.modTime
		c.done[n] = cl
		for _, name := range sortedNames(n.durableEntries) {
			orig := n.durableEntries[name]
			if _, seen := c.done[orig]; seen && orig.dir {
				// Unsynced directory renames can leave a directory durable
				// under two parents, even inside itself. A directory has one
				// parent, so the first reached in the walk keeps it.
				continue
			}
			child := c.clone(orig)
			cl.entries[name] = child
			cl.durableEntries[name] = child
		}
		return cl
	}
	data := c.survivingContents(n)
	cl := &memNode{modTime: n.modTime, data: data, synced: slices.Clone(data)}
	c.done[n] = cl
	return cl
}

// survivingContents replays on the synced bytes the unsynced changes that
// the crash mode lets through.
func (c *crashCloner) survivingContents(n *memNode) []byte {
	data := slices.Clone(n.synced)
	r := c.opts.Rand
	switch c.opts.Mode {
	case CrashTornTail:
		keep := r.IntN(len(n.pending) + 1)
		for i, ch := range n.pending[:keep] {
			if i == keep-1 {
				ch = tear(ch, r)
			}
			data = applyChange(data, ch)
		}
	case CrashRandomWrites:
		for _, ch := range n.pending {
			if r.IntN(2) == 0 {
				continue
			}
			if r.IntN(2) == 0 {
				ch = tear(ch, r)
			}
			data = applyChange(data, ch)
		}
	}
	return data
}

// tear cuts a write to a random non-empty prefix, possibly all of it. A
// truncation is a metadata change and is never torn.
func tear(ch memChange, r *rand.Rand) memChange {
	if ch.truncate || len(ch.data) == 0 {
		return ch
	}
	ch.data = ch.data[:1+r.IntN(len(ch.data))]
	return ch
}

// String lists the tree: for each file its current size, synced size and
// number of unsynced changes; entries not yet made durable by SyncDir are
// marked "+", removed entries that a crash would bring back "-".
//
//	/
//	  db/
//	    + 000001.log size=120 synced=0 pending=3
//	    MANIFEST size=40 synced=40
//	    - old.sst size=10 synced=10
func (m *MemFS) String() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var b strings.Builder
	b.WriteString("/\n")
	writeTree(&b, m.root, "  ")
	return b.String()
}

func writeTree(b *strings.Builder, dir *memNode, indent string) {
	names := sortedNames(dir.entries)
	for name := range dir.durableEntries {
		if _, ok := dir.entries[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		n, now := dir.entries[name]
		durable, wasDurable := dir.durableEntries[name]
		mark := ""
		switch {
		case !now:
			n, mark = durable, "- "
		case !wasDurable || durable != n:
			mark = "+ "
		}
		if n.dir {
			fmt.Fprintf(b, "%s%s%s/\n", indent, mark, name)
			if now {
				writeTree(b, n, indent+"  ")
			}
			continue
		}
		fmt.Fprintf(b, "%s%s%s size=%d synced=%d", indent, mark, name, len(n.data), len(n.synced))
		if len(n.pending) > 0 {
			fmt.Fprintf(b, " pending=%d", len(n.pending))
		}
		b.WriteByte('\n')
	}
}
