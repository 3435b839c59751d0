package buffer

import "github.com/aegisdb/aegis/page"

// pageTable maps page ids to the frames holding them. Page ids are dense
// (0 up to the file's page count), so the table is indexed by id rather
// than hashed: a directory of fixed chunks, one chunk per tableChunk ids,
// made when an id in its range is first cached. A hit is two indexed
// loads; a hash map lookup on a pool of 100k frames costs a hash and a
// probe that misses the CPU cache on every B+tree level. Guarded by
// Pool.mu.
type pageTable struct {
	dir []*[tableChunk]*Frame
}

const tableChunkBits = 12

const tableChunk = 1 << tableChunkBits

func (t *pageTable) get(id page.ID) *Frame {
	c := int(id >> tableChunkBits)
	if c >= len(t.dir) || t.dir[c] == nil {
		return nil
	}
	return t.dir[c][id&(tableChunk-1)]
}

func (t *pageTable) set(id page.ID, f *Frame) {
	c := int(id >> tableChunkBits)
	if c >= len(t.dir) {
		t.dir = append(t.dir, make([]*[tableChunk]*Frame, c+1-len(t.dir))...)
	}
	if t.dir[c] == nil {
		t.dir[c] = new([tableChunk]*Frame)
	}
	t.dir[c][id&(tableChunk-1)] = f
}

func (t *pageTable) delete(id page.ID) {
	if c := int(id >> tableChunkBits); c < len(t.dir) && t.dir[c] != nil {
		t.dir[c][id&(tableChunk-1)] = nil
	}
}
