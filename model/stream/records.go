package stream

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// The model's keyspace inside the mvcc DB (see doc.go for the picture).
var (
	prefixChannel = []byte("st\x00c")
	prefixMeta    = []byte("st\x00m")
	prefixEvent   = []byte("st\x00e")
	prefixGroup   = []byte("st\x00g")
	prefixPending = []byte("st\x00p")
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func channelKey(name string) []byte { return cat(prefixChannel, []byte(name)) }
func metaKey(name string) []byte    { return cat(prefixMeta, []byte(name)) }

func eventPrefix(channel string) []byte { return cat(prefixEvent, []byte(channel), []byte{0}) }
func eventKey(channel string, off uint64) []byte {
	return binary.BigEndian.AppendUint64(eventPrefix(channel), off)
}

func groupKey(channel, group string) []byte {
	return cat(prefixGroup, []byte(channel), []byte{0}, []byte(group))
}

func pendingPrefix(channel, group string) []byte {
	return cat(prefixPending, []byte(channel), []byte{0}, []byte(group), []byte{0})
}
func pendingKey(channel, group string, off uint64) []byte {
	return binary.BigEndian.AppendUint64(pendingPrefix(channel, group), off)
}

// meta is a channel's log state: offsets [first, next) are stored, taking
// bytes bytes of event payload.
//
//	| next:8 | first:8 | bytes:8 |
type meta struct{ next, first, bytes uint64 }

func (m meta) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, m.next)
	b = binary.BigEndian.AppendUint64(b, m.first)
	return binary.BigEndian.AppendUint64(b, m.bytes)
}

func decodeMeta(key, b []byte) (meta, error) {
	if len(b) != 24 {
		return meta{}, &CorruptionError{Key: key, Reason: fmt.Sprintf("channel state of %d bytes", len(b))}
	}
	m := meta{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:]), binary.BigEndian.Uint64(b[16:])}
	if m.first > m.next {
		return meta{}, &CorruptionError{Key: key, Reason: "first offset after next"}
	}
	return m, nil
}

// Event record:
//
//	| time: 8 (unix ns) | len(type): uvarint | type | data |
func encodeEvent(e Event) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(e.Time.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(e.Type)))
	b = append(b, e.Type...)
	return append(b, e.Data...)
}

func decodeEvent(channel string, off uint64, key, b []byte) (Event, error) {
	if len(b) < 9 {
		return Event{}, &CorruptionError{Key: key, Reason: "event shorter than its header"}
	}
	t := int64(binary.BigEndian.Uint64(b))
	n, w := binary.Uvarint(b[8:])
	if w <= 0 || n > uint64(len(b)-8-w) {
		return Event{}, &CorruptionError{Key: key, Reason: "event type length"}
	}
	rest := b[8+w:]
	return Event{Channel: channel, Offset: off, Time: time.Unix(0, t).UTC(),
		Type: string(rest[:n]), Data: bytes.Clone(rest[n:])}, nil
}

// Pending record: an event delivered to a group member and not acked.
//
//	| deadline: 8 (unix ns) | deliveries: 4 | consumer |
type pending struct {
	deadline   int64
	deliveries uint32
	consumer   string
}

func (p pending) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(p.deadline))
	b = binary.BigEndian.AppendUint32(b, p.deliveries)
	return append(b, p.consumer...)
}

func decodePending(key, b []byte) (pending, error) {
	if len(b) < 12 {
		return pending{}, &CorruptionError{Key: key, Reason: "pending entry"}
	}
	return pending{int64(binary.BigEndian.Uint64(b)), binary.BigEndian.Uint32(b[8:]), string(b[12:])}, nil
}
