package server

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"
)

// Consumer groups over REST: fetch hands events to one member of a group
// (at-least-once: an event not acked within the ack timeout, 30 s, goes
// to the next member that fetches), ack confirms them, pending lists the
// unacknowledged ones.

const maxFetch = 1000

type fetchRequest struct {
	Consumer *string `json:"consumer"`
	Max      *int    `json:"max"`
}

type apiDelivery struct {
	apiEvent
	Attempt uint32 `json:"attempt"`
}

func (s *Server) streamGroupFetch(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	var req fetchRequest
	if err := decodeBody(w, r, 64<<10, &req); err != nil {
		return err
	}
	if req.Consumer == nil {
		return badRequest(`field "consumer" is required`)
	}
	n := 10
	if req.Max != nil {
		if *req.Max < 1 || *req.Max > maxFetch {
			return badRequest(`field "max" = %d: want 1 to %d`, *req.Max, maxFetch)
		}
		n = *req.Max
	}
	start := time.Now()
	ds, err := s.tss.streams.Fetch(p.ByName("channel"), p.ByName("group"), *req.Consumer, n)
	s.metrics.observeQuery("streaming", "fetch", start)
	if err != nil {
		return err
	}
	out := make([]apiDelivery, len(ds))
	for i, d := range ds {
		out[i] = apiDelivery{apiEvent: toAPIEvent(d.Event), Attempt: d.Attempt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel": p.ByName("channel"), "group": p.ByName("group"),
		"consumer": *req.Consumer, "events": out, "count": len(out)})
	return nil
}

type ackRequest struct {
	Offsets []uint64 `json:"offsets"`
}

func (s *Server) streamGroupAck(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	var req ackRequest
	if err := decodeBody(w, r, 1<<20, &req); err != nil {
		return err
	}
	if len(req.Offsets) == 0 {
		return badRequest(`field "offsets" is required: a non-empty array of event offsets`)
	}
	start := time.Now()
	n, err := s.tss.streams.Ack(p.ByName("channel"), p.ByName("group"), req.Offsets...)
	s.metrics.observeQuery("streaming", "ack", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"acked": n})
	return nil
}

func (s *Server) streamGroupPending(w http.ResponseWriter, _ *http.Request, p httprouter.Params, _ *caller) error {
	ps, err := s.tss.streams.Pending(p.ByName("channel"), p.ByName("group"))
	if err != nil {
		return err
	}
	type entry struct {
		Offset     uint64 `json:"offset"`
		Consumer   string `json:"consumer"`
		Deliveries uint32 `json:"deliveries"`
	}
	out := make([]entry, len(ps))
	for i, e := range ps {
		out[i] = entry{e.Offset, e.Consumer, e.Deliveries}
	}
	writeJSON(w, http.StatusOK, map[string]any{"pending": out, "count": len(out)})
	return nil
}
