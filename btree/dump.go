package btree

import (
	"fmt"
	"io"

	"github.com/aegisdb/aegis/page"
)

// LevelStats describe one level of the tree.
type LevelStats struct {
	Level, Pages, Cells int
	// Fill is the mean fraction of each page's room (past the header)
	// taken by slots and cells; MinFill and MaxFill are the extremes.
	Fill, MinFill, MaxFill float64
}

// Levels walks the tree and returns its levels, root first.
func (db *DB) Levels() ([]LevelStats, error) {
	db.treeMu.RLock()
	defer db.treeMu.RUnlock()
	levels := make([]LevelStats, db.meta.height+1)
	ids := []page.ID{db.meta.root}
	for level := db.meta.height; level >= 0; level-- {
		ls := &levels[db.meta.height-level]
		ls.Level, ls.MinFill = level, 1
		var next []page.ID
		for _, id := range ids {
			f, err := db.fetchNode(id, level)
			if err != nil {
				return nil, err
			}
			p := f.Page()
			fill := float64(p.UsedSpace()-page.HeaderSize) / float64(db.lim.usable)
			ls.Pages++
			ls.Cells += p.NumCells()
			ls.Fill += fill
			ls.MinFill, ls.MaxFill = min(ls.MinFill, fill), max(ls.MaxFill, fill)
			if level > 0 {
				for i := 0; i <= p.NumCells(); i++ {
					child, ok := childAt(p, i)
					if !ok || child < firstPageID || child >= db.meta.numPages {
						db.pool.Unpin(f)
						return nil, corruptPage(id, db.lim.pageSize, "bad child %d", i)
					}
					next = append(next, child)
				}
			}
			db.pool.Unpin(f)
		}
		ls.Fill /= float64(max(1, ls.Pages))
		ids = next
	}
	return levels, nil
}

// Dump writes a summary of the tree: one line per level with its pages,
// cells and fill factor, then the page and free-list counts.
//
//	level 1 (root)   1 pages    41 cells  fill  6.5% (min  6.5% max  6.5%)
//	level 0         42 pages  2000 cells  fill 71.3% (min 50.2% max 99.1%)
//	pages 46 (2 header/meta, 2 free), keys 2000, height 2
func (db *DB) Dump(w io.Writer) error {
	levels, err := db.Levels()
	if err != nil {
		return err
	}
	for i, ls := range levels {
		root := ""
		if i == 0 {
			root = " (root)"
		}
		fmt.Fprintf(w, "level %d%-7s %5d pages %6d cells  fill %5.1f%% (min %5.1f%% max %5.1f%%)\n",
			ls.Level, root, ls.Pages, ls.Cells, 100*ls.Fill, 100*ls.MinFill, 100*ls.MaxFill)
	}
	s := db.Stats()
	_, err = fmt.Fprintf(w, "pages %d (2 header/meta, %d free), keys %d, height %d\n", s.Pages, s.FreePages, s.Keys, s.Height)
	return err
}
