package enginetest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/vfs"
)

// refEngine is the smallest persistent engine that could pass the crash
// suite, used to test the suite itself: every batch is appended to one log
// file as a checksummed record, synced when asked, and replayed into a
// memory engine at open. Its flaws switch on broken ways to build one, so
// the suite's tests can check that each is caught.
//
//	record = | length:uint32 LE | crc32c(payload):uint32 LE | payload = batch repr |
type refEngine struct {
	mu     sync.Mutex
	fs     vfs.FS
	dir    string
	log    vfs.File
	mem    *memory.Engine
	flaws  refFlaws
	failed error // set once a log write or sync fails: the log's tail is unknown
	closed bool
}

// refFlaws are the bugs a refEngine can be built with.
type refFlaws struct {
	ackWithoutSync bool // Apply with Sync returns without syncing the log
	recordPerOp    bool // each op is its own record, so a crash can keep half a batch
	keepGoing      bool // after a failed log write, later batches are appended anyway
	keepTornTail   bool // open appends after a torn tail instead of cutting it
	skipDirSync    bool // the log's directory entries are never synced
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

const refLogName = "LOG"

// openRef opens or recovers the refEngine stored in dir.
func openRef(fsys vfs.FS, dir string, flaws refFlaws) (*refEngine, error) {
	if err := fsys.MkdirAll(dir); err != nil {
		return nil, err
	}
	name := filepath.Join(dir, refLogName)
	e := &refEngine{fs: fsys, dir: dir, mem: memory.New(), flaws: flaws}
	data, err := vfs.ReadFile(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("reflog: read %s: %w", name, err)
	}
	good := e.replay(data)
	f, err := fsys.OpenReadWrite(name)
	if err != nil {
		return nil, err
	}
	// Cut a torn or corrupt tail, so new records follow the last good one.
	if good < int64(len(data)) && !flaws.keepTornTail {
		if err := f.Truncate(good); err != nil {
			f.Close()
			return nil, err
		}
		f.Close()
		if f, err = fsys.OpenReadWrite(name); err != nil {
			return nil, err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	// The log's name in dir, and dir's in its parent, must be durable too.
	if !flaws.skipDirSync {
		for _, d := range []string{dir, filepath.Dir(dir)} {
			if err := fsys.SyncDir(d); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	e.log = f
	return e, nil
}

// replay applies the log's whole records and returns the length they cover.
func (e *refEngine) replay(data []byte) int64 {
	var off int64
	for int64(len(data))-off >= 8 {
		n := int64(binary.LittleEndian.Uint32(data[off:]))
		sum := binary.LittleEndian.Uint32(data[off+4:])
		if int64(len(data))-off-8 < n {
			break
		}
		payload := data[off+8 : off+8+n]
		if crc32.Checksum(payload, crcTable) != sum {
			break
		}
		b, err := engine.DecodeBatch(payload)
		if err != nil {
			break
		}
		if err := e.mem.Apply(b, engine.WriteOptions{}); err != nil {
			break
		}
		off += 8 + n
	}
	return off
}

func record(repr []byte) []byte {
	rec := binary.LittleEndian.AppendUint32(nil, uint32(len(repr)))
	rec = binary.LittleEndian.AppendUint32(rec, crc32.Checksum(repr, crcTable))
	return append(rec, repr...)
}

func (e *refEngine) Get(key []byte) ([]byte, error) { return e.mem.Get(key) }

func (e *refEngine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	if _, err := engine.DecodeBatch(b.Repr()); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	if e.failed != nil {
		return fmt.Errorf("reflog: an earlier log write failed: %w", e.failed)
	}
	var recs []byte
	if e.flaws.recordPerOp {
		b.ForEach(func(kind engine.OpKind, key, value []byte) error {
			one := engine.NewBatch()
			if kind == engine.OpPut {
				one.Put(key, value)
			} else {
				one.Delete(key)
			}
			recs = append(recs, record(one.Repr())...)
			return nil
		})
	} else {
		recs = record(b.Repr())
	}
	if _, err := e.log.Write(recs); err != nil {
		if !e.flaws.keepGoing {
			e.failed = err
		}
		return fmt.Errorf("reflog: write: %w", err)
	}
	if opts.Sync && !e.flaws.ackWithoutSync {
		if err := e.log.Sync(); err != nil {
			e.failed = err
			return fmt.Errorf("reflog: sync: %w", err)
		}
	}
	return e.mem.Apply(b, opts)
}

func (e *refEngine) NewIterator(opts engine.IterOptions) engine.Iterator {
	return e.mem.NewIterator(opts)
}

func (e *refEngine) Flush() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	if e.failed != nil {
		return e.failed
	}
	return e.log.Sync()
}

func (e *refEngine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	e.closed = true
	var err error
	if e.failed == nil {
		err = e.log.Sync()
	}
	if cerr := e.log.Close(); err == nil {
		err = cerr
	}
	e.mem.Close()
	return err
}

func (e *refEngine) Metrics() engine.Metrics {
	m := e.mem.Metrics()
	m.Backend = "reflog"
	return m
}
