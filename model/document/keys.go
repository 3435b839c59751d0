package document

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/aegisdb/aegis/model/keyenc"
)

// rootPrefix is the document model's keyspace in the shared mvcc DB.
const rootPrefix = "doc\x00"

// collKey: "doc" 0x00 'c' name -> collection definition (JSON).
func collKey(name string) []byte { return []byte(rootPrefix + "c" + name) }

func collPrefix() []byte { return []byte(rootPrefix + "c") }

// docPrefix: "doc" 0x00 'd' name 0x00, then the id -> document record.
func docPrefix(coll string) []byte { return []byte(rootPrefix + "d" + coll + "\x00") }

func docKey(coll, id string) []byte { return append(docPrefix(coll), id...) }

// indexPrefix: "doc" 0x00 'i' name 0x00 path 0x00, then keyenc(value)
// keyenc(id) -> empty. One entry per distinct scalar candidate value of
// the path in the document.
func indexPrefix(coll, p string) []byte {
	return []byte(rootPrefix + "i" + coll + "\x00" + p + "\x00")
}

// collIndexPrefix covers every index entry of a collection.
func collIndexPrefix(coll string) []byte { return []byte(rootPrefix + "i" + coll + "\x00") }

// appendValue appends the order-preserving encoding of a scalar value:
// numbers as floats, strings, booleans (keyenc orders booleans < numbers
// < strings; an index scan never crosses types).
func appendValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case float64:
		return keyenc.AppendFloat(dst, x, keyenc.Ascending)
	case string:
		return keyenc.AppendString(dst, x, keyenc.Ascending)
	case bool:
		return keyenc.AppendBool(dst, x, keyenc.Ascending)
	}
	return keyenc.AppendNull(dst, keyenc.Ascending)
}

func indexKey(coll, p string, v any, id string) []byte {
	k := appendValue(indexPrefix(coll, p), v)
	return keyenc.AppendString(k, id, keyenc.Ascending)
}

// idFromIndexKey decodes the id at the end of an index key.
func idFromIndexKey(prefixLen int, key []byte) (string, error) {
	d := keyenc.NewDecoder(key[prefixLen:])
	if err := d.Skip(keyenc.Ascending); err != nil {
		return "", &CorruptionError{Key: key, Reason: err.Error()}
	}
	v, err := d.Next(keyenc.Ascending)
	if err != nil || v.Kind != keyenc.KindString || !d.Done() {
		return "", &CorruptionError{Key: key, Reason: fmt.Sprintf("no id after the value (%v)", err)}
	}
	return string(v.Str), nil
}

// recordVersion is the first byte of a document record:
//
//	| version:1 (=1) | created:8 BE unix ns | updated:8 BE unix ns | JSON object |
const recordVersion = 1

const recordHeader = 1 + 8 + 8

func encodeRecord(created, updated time.Time, js []byte) []byte {
	out := make([]byte, recordHeader, recordHeader+len(js))
	out[0] = recordVersion
	binary.BigEndian.PutUint64(out[1:], uint64(created.UnixNano()))
	binary.BigEndian.PutUint64(out[9:], uint64(updated.UnixNano()))
	return append(out, js...)
}

func decodeRecord(key, rec []byte) (created, updated time.Time, js []byte, err error) {
	if len(rec) < recordHeader {
		return created, updated, nil, &CorruptionError{Key: key, Reason: fmt.Sprintf("record of %d bytes is shorter than its header", len(rec))}
	}
	if rec[0] != recordVersion {
		return created, updated, nil, &CorruptionError{Key: key, Reason: fmt.Sprintf("unknown record version %d", rec[0])}
	}
	created = time.Unix(0, int64(binary.BigEndian.Uint64(rec[1:]))).UTC()
	updated = time.Unix(0, int64(binary.BigEndian.Uint64(rec[9:]))).UTC()
	return created, updated, rec[recordHeader:], nil
}
