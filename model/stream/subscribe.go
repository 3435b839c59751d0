package stream

import (
	"context"
	"math"
)

// FromLatest as a Subscribe offset starts after the last published event.
const FromLatest = math.MaxUint64

// subscribeBatch is how many events a subscription reads per transaction.
const subscribeBatch = 256

// waiter returns the channel closed by the next publish on channel.
func (s *Store) waiter(channel string) <-chan struct{} {
	s.nmu.Lock()
	defer s.nmu.Unlock()
	w, ok := s.waiters[channel]
	if !ok {
		w = make(chan struct{})
		s.waiters[channel] = w
	}
	return w
}

// wake wakes every subscription waiting on channel.
func (s *Store) wake(channel string) {
	s.nmu.Lock()
	defer s.nmu.Unlock()
	if w, ok := s.waiters[channel]; ok {
		close(w)
		delete(s.waiters, channel)
	}
}

// Subscription delivers a channel's events in offset order on C, from the
// offset it started at, until its context ends or the store closes; then
// C is closed and Err says why.
type Subscription struct {
	C   <-chan Event
	err error
}

// Err is the reason C was closed (nil before; context.Canceled, ErrClosed,
// or a read error). Read it only after C is closed.
func (sub *Subscription) Err() error { return sub.err }

// Subscribe starts an ephemeral subscription at offset from (FromLatest:
// only events published from now on; an offset below the first retained
// one starts at the first). It is at-most-once delivery: a subscriber that
// goes away keeps no position; consumer groups give at-least-once.
func (s *Store) Subscribe(ctx context.Context, channel string, from uint64) (*Subscription, error) {
	ci, err := s.Channel(channel)
	if err != nil {
		return nil, err
	}
	if from == FromLatest {
		from = ci.NextOffset
	}
	c := make(chan Event)
	sub := &Subscription{C: c}
	go func() {
		defer close(c)
		sub.err = s.follow(ctx, channel, from, c)
	}()
	return sub, nil
}

func (s *Store) follow(ctx context.Context, channel string, from uint64, c chan<- Event) error {
	for {
		// Take the waiter before reading, so a publish between the read
		// and the wait still wakes us.
		w := s.waiter(channel)
		evs, err := s.Read(channel, from, subscribeBatch)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			select {
			case c <- ev:
				from = ev.Offset + 1
			case <-ctx.Done():
				return ctx.Err()
			case <-s.done:
				return ErrClosed
			}
		}
		if len(evs) == subscribeBatch {
			continue
		}
		select {
		case <-w:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
	}
}
