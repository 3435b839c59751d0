package stream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// Delivery is an event handed to one member of a consumer group. It stays
// pending until acknowledged; after Options.AckTimeout without an ack it
// is handed out again (Attempt counts the hand-outs).
type Delivery struct {
	Event
	Group, Consumer string
	Attempt         uint32
}

// Fetch hands up to max events of channel to consumer, a member of group:
// first the group's events whose ack deadline has passed (redelivery),
// then events no member has seen yet, in offset order. A group is created
// by its first Fetch and starts at the channel's oldest retained event.
// Each event goes to one member at a time; delivery is at-least-once.
func (s *Store) Fetch(channel, group, consumer string, max int) ([]Delivery, error) {
	if err := checkName("group", group); err != nil {
		return nil, err
	}
	if err := checkName("consumer", consumer); err != nil {
		return nil, err
	}
	if max <= 0 {
		return nil, invalid("fetch of %d events: want at least 1", max)
	}
	var out []Delivery
	redelivered := 0
	err := s.update(func(txn *mvcc.Txn) error {
		out, redelivered = out[:0], 0
		_, m, err := channelIn(txn, channel)
		if err != nil {
			return err
		}
		now := s.opts.Now().UnixNano()
		deadline := now + s.opts.AckTimeout.Nanoseconds()
		// 1. Expired pending entries, oldest offset first.
		pp := pendingPrefix(channel, group)
		it := txn.Scan(pp, keyenc.PrefixEnd(pp))
		type expired struct {
			off uint64
			p   pending
		}
		var exp []expired
		for len(exp) < max && it.Next() {
			k := it.Key()
			p, err := decodePending(k, it.Value())
			if err != nil || len(k) != len(pp)+8 {
				it.Close()
				return &CorruptionError{Key: bytes.Clone(k), Reason: "pending entry"}
			}
			if p.deadline <= now {
				exp = append(exp, expired{binary.BigEndian.Uint64(k[len(pp):]), p})
			}
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for _, e := range exp {
			pk := pendingKey(channel, group, e.off)
			evs, err := readIn(txn, channel, e.off, 1)
			if err != nil {
				return err
			}
			if len(evs) == 0 || evs[0].Offset != e.off { // dropped by retention
				if err := txn.Delete(pk); err != nil {
					return err
				}
				continue
			}
			p := pending{deadline: deadline, deliveries: e.p.deliveries + 1, consumer: consumer}
			if err := txn.Put(pk, p.encode()); err != nil {
				return err
			}
			out = append(out, Delivery{Event: evs[0], Group: group, Consumer: consumer, Attempt: p.deliveries})
			redelivered++
		}
		// 2. New events from the group's cursor.
		gk := groupKey(channel, group)
		cursor := m.first
		b, err := txn.Get(gk)
		switch {
		case err == nil && len(b) == 8:
			cursor = max64(binary.BigEndian.Uint64(b), m.first)
		case err == nil:
			return &CorruptionError{Key: gk, Reason: "group cursor"}
		case !errors.Is(err, mvcc.ErrNotFound):
			return err
		}
		if room := max - len(out); room > 0 {
			evs, err := readIn(txn, channel, cursor, room)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				p := pending{deadline: deadline, deliveries: 1, consumer: consumer}
				if err := txn.Put(pendingKey(channel, group, ev.Offset), p.encode()); err != nil {
					return err
				}
				out = append(out, Delivery{Event: ev, Group: group, Consumer: consumer, Attempt: 1})
				cursor = ev.Offset + 1
			}
		}
		return txn.Put(gk, binary.BigEndian.AppendUint64(nil, cursor))
	})
	if err != nil {
		return nil, err
	}
	s.delivered.Add(uint64(len(out)))
	s.redelivered.Add(uint64(redelivered))
	return out, nil
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// Ack acknowledges events of a group by offset: they will not be
// delivered again. Offsets that are not pending (already acked, never
// delivered) are ignored; Ack returns how many it removed.
func (s *Store) Ack(channel, group string, offsets ...uint64) (int, error) {
	if err := checkName("group", group); err != nil {
		return 0, err
	}
	n := 0
	err := s.update(func(txn *mvcc.Txn) error {
		n = 0
		if _, _, err := channelIn(txn, channel); err != nil {
			return err
		}
		for _, off := range offsets {
			k := pendingKey(channel, group, off)
			if _, err := txn.Get(k); errors.Is(err, mvcc.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if err := txn.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.acked.Add(uint64(n))
	return n, nil
}

// PendingEntry is an unacknowledged delivery.
type PendingEntry struct {
	Offset     uint64
	Consumer   string
	Deliveries uint32
}

// Pending lists a group's unacknowledged deliveries in offset order.
func (s *Store) Pending(channel, group string) ([]PendingEntry, error) {
	var out []PendingEntry
	err := s.view(func(txn *mvcc.Txn) error {
		if _, _, err := channelIn(txn, channel); err != nil {
			return err
		}
		pp := pendingPrefix(channel, group)
		it := txn.Scan(pp, keyenc.PrefixEnd(pp))
		defer it.Close()
		for it.Next() {
			p, err := decodePending(it.Key(), it.Value())
			if err != nil || len(it.Key()) != len(pp)+8 {
				return fmt.Errorf("stream: pending of group %q: %w", group, ErrCorrupt)
			}
			out = append(out, PendingEntry{binary.BigEndian.Uint64(it.Key()[len(pp):]), p.consumer, p.deliveries})
		}
		return it.Err()
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out, err
}
