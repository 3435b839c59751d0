package timeseries

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// The model's keyspace inside the mvcc DB (see doc.go for the picture).
var (
	prefixMetric = []byte("ts\x00m")
	prefixSeries = []byte("ts\x00s")
	prefixIDs    = []byte("ts\x00i")
	keyNextID    = []byte("ts\x00n")
	prefixHead   = []byte("ts\x00h")
	prefixChunk  = []byte("ts\x00c")
	prefixRule   = []byte("ts\x00r")
	prefixDone   = []byte("ts\x00d")
)

func metricKey(name string) []byte { return append(append([]byte{}, prefixMetric...), name...) }

// seriesPrefix is the start of every series key of one metric.
func seriesPrefix(metric string) []byte {
	k := append(append([]byte{}, prefixSeries...), metric...)
	return append(k, 0)
}

func seriesKey(metric string, tags []byte) []byte { return append(seriesPrefix(metric), tags...) }

func idKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{}, prefixIDs...), id)
}

func headKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte{}, prefixHead...), id)
}

// chunkPrefix is the start of every chunk key of a metric.
func chunkPrefix(metric string) []byte {
	k := append(append([]byte{}, prefixChunk...), metric...)
	return append(k, 0)
}

// orderedTime maps an int64 onto a uint64 in the same order.
func orderedTime(t int64) uint64 { return uint64(t) ^ 1<<63 }
func fromOrdered(u uint64) int64 { return int64(u ^ 1<<63) }

// partitionKey is the start of one partition's chunk keys.
func partitionKey(metric string, part int64) []byte {
	return binary.BigEndian.AppendUint64(chunkPrefix(metric), orderedTime(part))
}

func chunkKey(metric string, part int64, id uint64, first int64) []byte {
	k := binary.BigEndian.AppendUint64(partitionKey(metric, part), id)
	return binary.BigEndian.AppendUint64(k, orderedTime(first))
}

// parseChunkKey splits the part of a chunk key after the metric prefix.
func parseChunkKey(rest []byte) (part int64, id uint64, first int64, ok bool) {
	if len(rest) != 24 {
		return 0, 0, 0, false
	}
	return fromOrdered(binary.BigEndian.Uint64(rest)), binary.BigEndian.Uint64(rest[8:]),
		fromOrdered(binary.BigEndian.Uint64(rest[16:])), true
}

func ruleKey(name string) []byte { return append(append([]byte{}, prefixRule...), name...) }

func doneKey(rule string, part int64) []byte {
	k := append(append(append([]byte{}, prefixDone...), rule...), 0)
	return binary.BigEndian.AppendUint64(k, orderedTime(part))
}

// Tags are a series' label pairs. The canonical encoding sorts them by
// name and length-prefixes every string, so one set of tags has exactly
// one encoding and no two sets share one:
//
//	| len(name) uvarint | name | len(value) uvarint | value | ... (sorted by name)
type Tags map[string]string

func (t Tags) encode() []byte {
	names := make([]string, 0, len(t))
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	var b []byte
	for _, k := range names {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(t[k])))
		b = append(b, t[k]...)
	}
	return b
}

func decodeTags(b []byte) (Tags, error) {
	t := Tags{}
	for len(b) > 0 {
		var pair [2]string
		for i := range pair {
			n, w := binary.Uvarint(b)
			if w <= 0 || n > uint64(len(b)-w) {
				return nil, fmt.Errorf("bad tag length at byte %d", w)
			}
			pair[i] = string(b[w : w+int(n)])
			b = b[w+int(n):]
		}
		t[pair[0]] = pair[1]
	}
	return t, nil
}

// String prints tags sorted, as {a="x", b="y"}.
func (t Tags) String() string {
	names := make([]string, 0, len(t))
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	var sb strings.Builder
	sb.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s=%q", k, t[k])
	}
	sb.WriteByte('}')
	return sb.String()
}
