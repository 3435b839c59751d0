package engine

import (
	"encoding/binary"
	"fmt"
)

// OpKind is the kind of one operation in a batch.
type OpKind uint8

const (
	OpPut    OpKind = 1
	OpDelete OpKind = 2
)

func (k OpKind) String() string {
	switch k {
	case OpPut:
		return "put"
	case OpDelete:
		return "delete"
	}
	return fmt.Sprintf("OpKind(%d)", uint8(k))
}

// batchHeaderLen is the size of the count that starts every batch encoding.
const batchHeaderLen = 4

// Batch is an ordered list of puts and deletes applied atomically by
// Engine.Apply. Its encoding is what backends write to their WAL and what
// replication ships, so it is defined here once:
//
//	| count:uint32 LE | op... |
//	op = | kind:1 | keylen:uvarint | key | vallen:uvarint | value |   (put)
//	     | kind:1 | keylen:uvarint | key |                            (delete)
//
// A later op on the same key wins over an earlier one.
type Batch struct {
	repr  []byte
	count uint32
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{} }

func (b *Batch) init() {
	if len(b.repr) < batchHeaderLen {
		b.repr = append(b.repr[:0], 0, 0, 0, 0)
	}
}

// Put adds a put of key = value. The batch copies both.
func (b *Batch) Put(key, value []byte) {
	b.init()
	b.repr = append(b.repr, byte(OpPut))
	b.repr = binary.AppendUvarint(b.repr, uint64(len(key)))
	b.repr = append(b.repr, key...)
	b.repr = binary.AppendUvarint(b.repr, uint64(len(value)))
	b.repr = append(b.repr, value...)
	b.count++
	binary.LittleEndian.PutUint32(b.repr, b.count)
}

// Delete adds a delete of key. Deleting a missing key is not an error.
func (b *Batch) Delete(key []byte) {
	b.init()
	b.repr = append(b.repr, byte(OpDelete))
	b.repr = binary.AppendUvarint(b.repr, uint64(len(key)))
	b.repr = append(b.repr, key...)
	b.count++
	binary.LittleEndian.PutUint32(b.repr, b.count)
}

// Count is the number of operations in the batch.
func (b *Batch) Count() int { return int(b.count) }

// Empty reports whether the batch has no operations.
func (b *Batch) Empty() bool { return b.count == 0 }

// Size is the length of the batch's encoding in bytes.
func (b *Batch) Size() int {
	if len(b.repr) == 0 {
		return batchHeaderLen
	}
	return len(b.repr)
}

// Reset empties the batch, keeping its buffer.
func (b *Batch) Reset() {
	b.repr = b.repr[:0]
	b.count = 0
}

// Repr returns the batch's encoding. It aliases the batch's buffer.
func (b *Batch) Repr() []byte {
	b.init()
	return b.repr
}

// DecodeBatch parses an encoding made by Repr, checking every length. The
// returned batch aliases data.
func DecodeBatch(data []byte) (*Batch, error) {
	if len(data) < batchHeaderLen {
		return nil, fmt.Errorf("engine: batch of %d bytes is shorter than its %d-byte header: %w", len(data), batchHeaderLen, ErrCorruptBatch)
	}
	// Cap the alias at len(data): a Put on the decoded batch must copy,
	// not append into whatever the caller keeps after data.
	b := &Batch{repr: data[:len(data):len(data)], count: binary.LittleEndian.Uint32(data)}
	if err := b.ForEach(func(OpKind, []byte, []byte) error { return nil }); err != nil {
		return nil, err
	}
	return b, nil
}

// ForEach calls fn for each operation in order; value is nil for deletes.
// The slices alias the batch. It stops at the first error fn returns.
func (b *Batch) ForEach(fn func(kind OpKind, key, value []byte) error) error {
	if len(b.repr) == 0 {
		return nil
	}
	data := b.repr[batchHeaderLen:]
	for i := uint32(0); i < b.count; i++ {
		if len(data) == 0 {
			return fmt.Errorf("engine: batch ends after %d of %d ops: %w", i, b.count, ErrCorruptBatch)
		}
		kind := OpKind(data[0])
		data = data[1:]
		key, rest, err := readLengthPrefixed(data)
		if err != nil {
			return fmt.Errorf("engine: batch op %d key: %w", i, err)
		}
		data = rest
		var value []byte
		switch kind {
		case OpPut:
			value, rest, err = readLengthPrefixed(data)
			if err != nil {
				return fmt.Errorf("engine: batch op %d value: %w", i, err)
			}
			data = rest
			if value == nil {
				value = []byte{}
			}
		case OpDelete:
		default:
			return fmt.Errorf("engine: batch op %d has unknown kind %d: %w", i, kind, ErrCorruptBatch)
		}
		if err := fn(kind, key, value); err != nil {
			return err
		}
	}
	if len(data) != 0 {
		return fmt.Errorf("engine: batch has %d bytes after its %d ops: %w", len(data), b.count, ErrCorruptBatch)
	}
	return nil
}

func readLengthPrefixed(data []byte) (field, rest []byte, err error) {
	n, w := binary.Uvarint(data)
	if w <= 0 {
		return nil, nil, fmt.Errorf("bad length varint: %w", ErrCorruptBatch)
	}
	data = data[w:]
	if n > uint64(len(data)) {
		return nil, nil, fmt.Errorf("length %d exceeds the %d bytes left: %w", n, len(data), ErrCorruptBatch)
	}
	return data[:n:n], data[n:], nil
}
