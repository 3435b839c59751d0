package lsm

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aegisdb/aegis/vfs"
)

// DumpTable prints a table: footer handles, properties, every index entry
// and, with entries, every key of every data block.
func DumpTable(w io.Writer, fs vfs.FS, path string, entries bool) error {
	f, err := fs.Open(path)
	if err != nil {
		return fmt.Errorf("lsm: dump %s: %w", path, err)
	}
	defer f.Close()
	name := filepath.Base(path)
	num, _ := parseTableName(name)
	t, err := openTable(f, name, num, nil, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "table %s: %d bytes\n", name, t.size)
	fmt.Fprintf(w, "filter: %d bytes\n", len(t.filter))
	keys := make([]string, 0, len(t.props))
	for k := range t.props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintln(w, "properties:")
	for _, k := range keys {
		fmt.Fprintf(w, "  %-20s %s\n", k, t.props[k])
	}
	fmt.Fprintln(w, "index:")
	idx := newBlockIter(t.index, false)
	for ok := idx.First(); ok; ok = idx.Next() {
		h, hok := decodeHandle(idx.val)
		k, kok := parseIkey(idx.key)
		if !hok || !kok {
			return corruptf(name, -1, "bad index entry")
		}
		fmt.Fprintf(w, "  block @%d len %d, last key %s\n", h.offset, h.length, fmtIkey(k))
		if !entries {
			continue
		}
		b, err := t.dataBlock(h)
		if err != nil {
			return err
		}
		it := newBlockIter(b, false)
		for ok := it.First(); ok; ok = it.Next() {
			k, kok := parseIkey(it.key)
			if !kok {
				return corruptf(name, int64(h.offset), "key without trailer")
			}
			fmt.Fprintf(w, "    %s = %s\n", fmtIkey(k), fmtBytes(it.val))
		}
		if it.Err() != nil {
			return t.located(h, it.Err())
		}
	}
	if idx.Err() != nil {
		return t.located(blockHandle{}, idx.Err())
	}
	return nil
}

// DumpLayout prints the live manifest's version: each level's tables with
// sizes and key ranges.
func DumpLayout(w io.Writer, fs vfs.FS, dir string) error {
	cur, st, err := loadLive(fs, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: logLSN %d, lastSeq %d, nextFile %d\n", cur, st.logLSN, st.lastSeq, st.nextFile)
	for l, files := range st.v.levels {
		var size uint64
		for _, f := range files {
			size += f.size
		}
		fmt.Fprintf(w, "L%d: %d tables, %d bytes\n", l, len(files), size)
		for _, f := range files {
			fmt.Fprintf(w, "  %s %10d bytes  [%s .. %s]\n", tableName(f.num), f.size, fmtIkey(f.smallest), fmtIkey(f.largest))
		}
	}
	return nil
}

func fmtIkey(k ikey) string {
	kindName := "set"
	switch k.kind() {
	case kindDelete:
		kindName = "del"
	case kindSet:
	default:
		kindName = fmt.Sprintf("kind%d", k.kind())
	}
	return fmt.Sprintf("%s#%d,%s", fmtBytes(k.ukey), k.seq(), kindName)
}

// fmtBytes quotes a key or value, abbreviating long ones.
func fmtBytes(b []byte) string {
	if len(b) > 48 {
		return fmt.Sprintf("%q...(%d bytes)", b[:40], len(b))
	}
	s := fmt.Sprintf("%q", b)
	return strings.TrimSpace(s)
}
