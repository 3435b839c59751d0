package btree

import (
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
)

func init() {
	engine.Register("btree", func(o engine.Options) (engine.Engine, error) {
		return Open(Options{FS: o.FileSystem(), Dir: o.Dir, PageSize: o.PageSize, CacheSize: o.CacheSize})
	})
}

// Defaults.
const (
	DefaultCacheSize       = 64 << 20
	DefaultCheckpointBytes = 64 << 20
	DefaultSegmentSize     = 16 << 20
	// MaxKeySize and MaxValueSize are the limits at the default page size;
	// smaller pages lower the key limit (see (*DB).MaxKeySize).
	MaxKeySize   = 1 << 10
	MaxValueSize = 1 << 20
	// minPageSize keeps page 0 big enough for both 1 KiB header slots.
	minPageSize = 2 * page.MinSize
)

// Options configure a B+tree store. Only Dir is required.
type Options struct {
	FS  vfs.FS // nil means vfs.Default
	Dir string
	// PageSize is used when the store is created (default 8 KiB); an
	// existing store keeps the size in its header.
	PageSize int
	// CacheSize is the buffer pool's memory in bytes (default 64 MiB). A
	// batch keeps every page it changes pinned until it is logged, so the
	// pool must hold a batch's pages.
	CacheSize int64
	// CheckpointBytes is how much log a background checkpoint waits for
	// (default 64 MiB); it bounds recovery time. Negative turns background
	// checkpoints off (Flush and Close still checkpoint).
	CheckpointBytes int64
	// SegmentSize is the WAL segment size (default 16 MiB); checkpoints
	// delete whole segments.
	SegmentSize int64
}

func (o *Options) fill() {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.PageSize == 0 {
		o.PageSize = page.DefaultSize
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.CheckpointBytes == 0 {
		o.CheckpointBytes = DefaultCheckpointBytes
	}
	if o.SegmentSize <= 0 {
		o.SegmentSize = DefaultSegmentSize
	}
}

// limits are the size limits that follow from the page size.
type limits struct {
	pageSize int
	usable   int // bytes for slots and cells
	maxCell  int // largest leaf or internal cell (a quarter page, so splits always work)
	minFill  int // a non-root leaf holds at least this many bytes of slots and cells
	maxKey   int
	chunk    int // value bytes per overflow page
}

func newLimits(pageSize int) limits {
	usable := pageSize - page.HeaderSize
	maxCell := usable/4 - page.SlotSize
	return limits{
		pageSize: pageSize,
		usable:   usable,
		maxCell:  maxCell,
		minFill:  usable / 4,
		maxKey:   min(MaxKeySize, maxCell-16),
		chunk:    page.MaxCell(pageSize),
	}
}
