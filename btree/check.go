package btree

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
)

// Check opens the store in dir (recovering it), checks the tree and
// closes it. It is the checker the crash tests run after each recovery.
func Check(fs vfs.FS, dir string) error {
	db, err := Open(Options{FS: fs, Dir: dir, CheckpointBytes: -1})
	if err != nil {
		return err
	}
	err = db.Check()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Check walks the whole tree and the free list and checks:
//   - every node has the type and level its depth calls for, and its keys
//     are strictly ascending and within the range its parent gives it;
//   - every non-root internal node has a separator (two children), every
//     non-root leaf holds at least a quarter page of cells;
//   - overflow chains have exactly the pages their value length needs;
//   - every page in [2, pages) is used exactly once: by the tree, an
//     overflow chain or the free list (no leaks, no double use);
//   - the meta page's key and free counts match what the walk found.
func (db *DB) Check() error {
	db.treeMu.RLock()
	defer db.treeMu.RUnlock()
	c := &checker{db: db, m: db.meta, seen: make([]bool, db.meta.numPages)}
	if err := c.node(c.m.root, c.m.height, nil, nil, true); err != nil {
		return err
	}
	if c.keys != c.m.keys {
		return fmt.Errorf("btree: check: meta counts %d keys, the leaves hold %d", c.m.keys, c.keys)
	}
	free := 0
	for id := c.m.freeHead; id != page.Nil; free++ {
		if free > int(c.m.numPages) {
			return fmt.Errorf("btree: check: the free list has a cycle")
		}
		if err := c.use(id, "free list"); err != nil {
			return err
		}
		p, unpin, err := c.fetch(id)
		if err != nil {
			return err
		}
		typ, next := p.Type(), p.Right()
		unpin()
		if typ != page.TypeFree {
			return fmt.Errorf("btree: check: free list holds page %d of type %v", id, typ)
		}
		id = next
	}
	if free != c.m.freeCount {
		return fmt.Errorf("btree: check: meta counts %d free pages, the list holds %d", c.m.freeCount, free)
	}
	for id := firstPageID; id < c.m.numPages; id++ {
		if !c.seen[id] {
			return fmt.Errorf("btree: check: page %d is leaked: neither in the tree nor on the free list", id)
		}
	}
	return nil
}

type checker struct {
	db   *DB
	m    meta
	seen []bool
	keys uint64
}

func (c *checker) use(id page.ID, what string) error {
	if id < firstPageID || id >= c.m.numPages {
		return fmt.Errorf("btree: check: %s refers to page %d outside [%d, %d)", what, id, firstPageID, c.m.numPages)
	}
	if c.seen[id] {
		return fmt.Errorf("btree: check: page %d is used twice (again by the %s)", id, what)
	}
	c.seen[id] = true
	return nil
}

func (c *checker) fetch(id page.ID) (page.Page, func(), error) {
	f, err := c.db.fetch(id)
	if err != nil {
		return nil, nil, c.db.pageErr(id, err)
	}
	return f.Page(), func() { c.db.pool.Unpin(f) }, nil
}

// node checks the subtree at id, whose keys must lie in [lo, hi) (nil: unbounded).
func (c *checker) node(id page.ID, level int, lo, hi []byte, root bool) error {
	if err := c.use(id, fmt.Sprintf("tree at level %d", level)); err != nil {
		return err
	}
	p, unpin, err := c.fetch(id)
	if err != nil {
		return err
	}
	defer unpin()
	if err := c.db.checkNode(id, p, level); err != nil {
		return err
	}
	n := p.NumCells()
	var prev []byte
	inRange := func(i int, k []byte) error {
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return fmt.Errorf("btree: check: page %d cell %d: key %q not above the previous %q", id, i, k, prev)
		}
		if lo != nil && bytes.Compare(k, lo) < 0 || hi != nil && bytes.Compare(k, hi) >= 0 {
			return fmt.Errorf("btree: check: page %d cell %d: key %q outside its range [%q, %q)", id, i, k, lo, hi)
		}
		prev = k
		return nil
	}
	if level == 0 {
		if !root && p.UsedSpace()-page.HeaderSize < c.db.lim.minFill {
			return fmt.Errorf("btree: check: leaf %d holds %d bytes, under the minimum fill %d", id, p.UsedSpace()-page.HeaderSize, c.db.lim.minFill)
		}
		for i := range n {
			lc, ok := decodeLeafCell(p.Cell(i))
			if !ok {
				return fmt.Errorf("btree: check: leaf %d cell %d does not decode", id, i)
			}
			if err := inRange(i, lc.key); err != nil {
				return err
			}
			if lc.overflow {
				if err := c.overflow(id, lc); err != nil {
					return err
				}
			}
			c.keys++
		}
		return nil
	}
	if n == 0 && !root {
		return fmt.Errorf("btree: check: internal page %d has no separator", id)
	}
	if n == 0 {
		return fmt.Errorf("btree: check: internal root %d has one child; it should have collapsed", id)
	}
	type child struct {
		id     page.ID
		lo, hi []byte
	}
	children := make([]child, 0, n+1)
	childLo := lo
	for i := range n {
		k, cid, ok := decodeInternalCell(p.Cell(i))
		if !ok {
			return fmt.Errorf("btree: check: internal page %d cell %d does not decode", id, i)
		}
		if err := inRange(i, k); err != nil {
			return err
		}
		left, _ := childAt(p, i)
		children = append(children, child{left, childLo, bytes.Clone(k)})
		childLo = bytes.Clone(k)
		if i == n-1 {
			children = append(children, child{cid, childLo, hi})
		}
	}
	for _, ch := range children {
		if err := c.node(ch.id, level-1, ch.lo, ch.hi, false); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) overflow(leaf page.ID, lc leafCell) error {
	if lc.vlen <= 0 || lc.vlen > MaxValueSize {
		return fmt.Errorf("btree: check: leaf %d: overflow value of %d bytes", leaf, lc.vlen)
	}
	id := lc.first
	for remaining := lc.vlen; remaining > 0; {
		if err := c.use(id, fmt.Sprintf("overflow chain of leaf %d", leaf)); err != nil {
			return err
		}
		p, unpin, err := c.fetch(id)
		if err != nil {
			return err
		}
		ok := p.Type() == page.TypeOverflow && p.NumCells() == 1 && len(p.Cell(0)) == min(remaining, c.db.lim.chunk)
		if ok {
			remaining -= len(p.Cell(0))
		}
		next := p.Right()
		unpin()
		if !ok {
			return errors.New("btree: check: overflow page " + fmt.Sprint(id) + " of leaf " + fmt.Sprint(leaf) + " is not the chunk its value needs")
		}
		id = next
	}
	return nil
}
