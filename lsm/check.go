package lsm

import (
	"fmt"
	"path/filepath"

	"github.com/aegisdb/aegis/vfs"
)

// Check verifies a closed store: CURRENT names a readable manifest, its
// version keeps the level invariants, every table it lists opens, passes
// every checksum and holds keys in order within the range the manifest
// records, and no table file lies around that the version does not name.
func Check(fs vfs.FS, dir string) error {
	cur, st, err := loadLive(fs, dir)
	if err != nil {
		return err
	}
	if err := st.v.check(); err != nil {
		return fmt.Errorf("lsm: check %s: %w", dir, err)
	}
	live := map[uint64]bool{}
	for l, files := range st.v.levels {
		for _, f := range files {
			live[f.num] = true
			if err := checkTable(fs, dir, f); err != nil {
				return fmt.Errorf("lsm: check L%d: %w", l, err)
			}
		}
	}
	names, err := fs.List(dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if num, ok := parseTableName(n); ok && !live[num] {
			return fmt.Errorf("lsm: check %s: orphan table %s", dir, n)
		}
		if num, ok := parseManifestName(n); ok && n != cur && num > 0 {
			return fmt.Errorf("lsm: check %s: stale manifest %s beside %s", dir, n, cur)
		}
	}
	return nil
}

func checkTable(fs vfs.FS, dir string, f *fileMeta) error {
	name := tableName(f.num)
	file, err := fs.Open(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer file.Close()
	t, err := openTable(file, name, f.num, nil, nil)
	if err != nil {
		return err
	}
	if uint64(t.size) != f.size {
		return fmt.Errorf("%s is %d bytes, manifest says %d", name, t.size, f.size)
	}
	it := t.newIter()
	var prev ikey
	n := uint64(0)
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if n > 0 && cmpIkey(prev, k) >= 0 {
			return corruptf(name, -1, "keys out of order after entry %d", n)
		}
		if cmpIkey(k, f.smallest) < 0 || cmpIkey(k, f.largest) > 0 {
			return corruptf(name, -1, "entry %d outside the manifest's key range", n)
		}
		prev = cloneIkey(k)
		n++
	}
	if err := it.Err(); err != nil {
		return err
	}
	if want := t.prop("num.entries"); n != want {
		return corruptf(name, -1, "%d entries, properties say %d", n, want)
	}
	return nil
}
