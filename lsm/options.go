package lsm

import (
	"fmt"

	"github.com/aegisdb/aegis/compress"
	"github.com/aegisdb/aegis/vfs"
)

// numLevels is the number of levels, L0 included.
const numLevels = 7

// Limits on what one entry may hold. Keys and values above them are
// refused by Apply with engine.ErrKeyTooLarge / engine.ErrValueTooLarge.
const (
	MaxKeySize   = 64 << 10
	MaxValueSize = 16 << 20
	// maxBlockLen bounds the decoded size of any block read from disk, so a
	// corrupt length cannot make a reader allocate without limit.
	maxBlockLen = MaxKeySize + MaxValueSize + 1<<20
)

// Options configure a DB. The zero value of every field means its default.
type Options struct {
	FS  vfs.FS // default vfs.Default
	Dir string // required

	// MemtableSize is the size at which the memtable is frozen and flushed
	// (default 8 MiB). The WAL segment size follows it.
	MemtableSize int64
	// MaxImmutableMemtables is how many frozen memtables may wait for their
	// flush before writers stall (default 2).
	MaxImmutableMemtables int
	// BlockSize is the target size of a data block before compression
	// (default 4 KiB). RestartInterval is the number of keys between
	// restart points in a block (default 16).
	BlockSize       int
	RestartInterval int
	// BloomBitsPerKey sizes every table's bloom filter (default 10, about
	// 1% false positives). Negative disables filters.
	BloomBitsPerKey int
	// Compression names the codec of data and index blocks: "none",
	// "snappy" (default), "lz4", "zstd".
	Compression string
	// CacheSize is the block cache budget in bytes (default 64 MiB).
	CacheSize int64
	// L0CompactionTrigger is the number of L0 files that makes L0 the most
	// urgent compaction (default 4); L0StopWritesTrigger the number at which
	// writers stall until compaction catches up (default 24).
	L0CompactionTrigger int
	L0StopWritesTrigger int
	// LevelBaseSize bounds the base level (the level L0 compacts into)
	// (default 64 MiB); LevelMultiplier is the size ratio between
	// neighbouring levels (default 10).
	LevelBaseSize   int64
	LevelMultiplier int
	// TargetFileSize is the size at which compaction starts a new output
	// table (default 4 MiB).
	TargetFileSize int64
	// DisableWAL turns off the write-ahead log: a crash loses everything
	// since the last Flush.
	DisableWAL bool
}

func (o Options) withDefaults() (Options, error) {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.Dir == "" {
		return o, fmt.Errorf("%w: Dir is empty", ErrBadOptions)
	}
	if o.MemtableSize <= 0 {
		o.MemtableSize = 8 << 20
	}
	if o.MaxImmutableMemtables <= 0 {
		o.MaxImmutableMemtables = 2
	}
	if o.BlockSize <= 0 {
		o.BlockSize = 4 << 10
	}
	if o.RestartInterval <= 0 {
		o.RestartInterval = 16
	}
	if o.BloomBitsPerKey == 0 {
		o.BloomBitsPerKey = 10
	}
	if o.Compression == "" {
		o.Compression = "snappy"
	}
	if _, err := compress.Lookup(o.Compression); err != nil {
		return o, fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 64 << 20
	}
	if o.L0CompactionTrigger <= 0 {
		o.L0CompactionTrigger = 4
	}
	if o.L0StopWritesTrigger <= 0 {
		o.L0StopWritesTrigger = 24
	}
	if o.L0StopWritesTrigger < o.L0CompactionTrigger {
		o.L0StopWritesTrigger = o.L0CompactionTrigger
	}
	if o.LevelBaseSize <= 0 {
		o.LevelBaseSize = 64 << 20
	}
	if o.LevelMultiplier < 2 {
		o.LevelMultiplier = 10
	}
	if o.TargetFileSize <= 0 {
		o.TargetFileSize = 4 << 20
	}
	return o, nil
}
