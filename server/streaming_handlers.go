package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aegisdb/aegis/model/stream"
	"github.com/julienschmidt/httprouter"
)

// sseHeartbeat is how often an idle subscription sends a comment line, so
// proxies and clients see the connection alive.
const sseHeartbeat = 15 * time.Second

// apiChannel is a channel as the API shows it.
type apiChannel struct {
	Name        string    `json:"name"`
	Retention   string    `json:"retention,omitempty"`
	MaxEvents   uint64    `json:"max_events,omitempty"`
	MaxBytes    uint64    `json:"max_bytes,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	FirstOffset uint64    `json:"first_offset"`
	NextOffset  uint64    `json:"next_offset"`
	EventCount  uint64    `json:"event_count"`
	Bytes       uint64    `json:"bytes"`
}

func toAPIChannel(c stream.ChannelInfo) apiChannel {
	out := apiChannel{Name: c.Name, MaxEvents: c.MaxEvents, MaxBytes: c.MaxBytes, CreatedAt: c.CreatedAt,
		FirstOffset: c.FirstOffset, NextOffset: c.NextOffset, EventCount: c.NextOffset - c.FirstOffset, Bytes: c.Bytes}
	if c.Retention > 0 {
		out.Retention = c.Retention.String()
	}
	return out
}

// apiEvent is an event as the API shows it; data is the JSON published.
type apiEvent struct {
	Channel   string          `json:"channel"`
	Offset    uint64          `json:"offset"`
	EventType string          `json:"event_type"`
	Data      json.RawMessage `json:"data"`
	Timestamp time.Time       `json:"timestamp"`
}

func toAPIEvent(e stream.Event) apiEvent {
	data := json.RawMessage(e.Data)
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	return apiEvent{Channel: e.Channel, Offset: e.Offset, EventType: e.Type, Data: data, Timestamp: e.Time}
}

func (s *Server) streamListChannels(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	start := time.Now()
	cs, err := s.tss.streams.Channels()
	s.metrics.observeQuery("streaming", "list", start)
	if err != nil {
		return err
	}
	out := make([]apiChannel, len(cs))
	for i, c := range cs {
		out[i] = toAPIChannel(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out, "count": len(out)})
	return nil
}

type createChannelRequest struct {
	Name      *string `json:"name"`
	Retention string  `json:"retention"`
	MaxEvents uint64  `json:"max_events"`
	MaxBytes  uint64  `json:"max_bytes"`
}

func (s *Server) streamCreateChannel(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	var req createChannelRequest
	if err := decodeBody(w, r, tsBodyLimit, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return badRequest(`field "name" is required`)
	}
	c := stream.Channel{Name: *req.Name, MaxEvents: req.MaxEvents, MaxBytes: req.MaxBytes}
	if req.Retention != "" {
		d, err := parseSpan("retention", req.Retention)
		if err != nil {
			return err
		}
		c.Retention = d
	}
	start := time.Now()
	c, err := s.tss.streams.CreateChannel(c)
	s.metrics.observeQuery("streaming", "create", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIChannel(stream.ChannelInfo{Channel: c}))
	return nil
}

type publishRequest struct {
	Channel   *string         `json:"channel"`
	EventType string          `json:"event_type"`
	Data      json.RawMessage `json:"data"`
}

func (s *Server) streamPublish(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	var req publishRequest
	if err := decodeBody(w, r, tsBodyLimit+64<<10, &req); err != nil {
		return err
	}
	if req.Channel == nil {
		return badRequest(`field "channel" is required`)
	}
	var data bytes.Buffer
	if req.Data != nil {
		if err := json.Compact(&data, req.Data); err != nil {
			return badRequest(`field "data": %v`, err)
		}
	}
	start := time.Now()
	ev, err := s.tss.streams.Publish(*req.Channel, req.EventType, data.Bytes())
	s.metrics.observeQuery("streaming", "publish", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "channel": ev.Channel, "offset": ev.Offset,
		"event_type": ev.Type, "timestamp": ev.Time})
	return nil
}

// queryUint reads an optional non-negative integer query parameter.
func queryUint(r *http.Request, name string, def, max uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > max {
		return 0, badRequest("%s %q: want an integer from 0 to %d", name, v, max)
	}
	return n, nil
}

// streamHistory returns the last limit events (default 100), or with
// ?from=N the events from offset N on.
func (s *Server) streamHistory(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	limit, err := queryUint(r, "limit", 100, maxHistoryLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		return badRequest("limit 0: want an integer from 1 to %d", maxHistoryLimit)
	}
	channel := p.ByName("channel")
	start := time.Now()
	var evs []stream.Event
	if r.URL.Query().Has("from") {
		from, err := queryUint(r, "from", 0, stream.FromLatest-1)
		if err != nil {
			return err
		}
		evs, err = s.tss.streams.Read(channel, from, int(limit))
		if err != nil {
			return err
		}
	} else if evs, err = s.tss.streams.History(channel, int(limit)); err != nil {
		return err
	}
	s.metrics.observeQuery("streaming", "history", start)
	out := make([]apiEvent, len(evs))
	for i, e := range evs {
		out[i] = toAPIEvent(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel": channel, "events": out, "count": len(out)})
	return nil
}

// streamSubscribe is a live subscription as server-sent events: one
// message per event, "id: <offset>", "event: <event_type>", "data: <the
// event as JSON>". It starts at ?from=N, else after the Last-Event-ID a
// reconnecting client sends, else at the next event published.
func (s *Server) streamSubscribe(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	from := uint64(stream.FromLatest)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil || n == stream.FromLatest {
			return badRequest("Last-Event-ID %q: want an event offset", id)
		}
		from = n + 1
	}
	if r.URL.Query().Has("from") {
		n, err := queryUint(r, "from", 0, stream.FromLatest-1)
		if err != nil {
			return err
		}
		from = n
	}
	sub, err := s.tss.streams.Subscribe(r.Context(), p.ByName("channel"), from)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": subscribed\n\n")
	if err := rc.Flush(); err != nil {
		return nil // the client is gone; the subscription ends with the request context
	}
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				return nil
			}
			data, _ := json.Marshal(toAPIEvent(ev))
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.Offset, sseField(ev.Type), data)
		case <-beat.C:
			fmt.Fprint(w, ": ping\n\n")
		case <-s.tss.live:
			return nil
		case <-r.Context().Done():
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// sseField keeps a value on one SSE line: an event type with a line break
// would end the field early.
func sseField(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	if len(b) == 0 {
		return "message"
	}
	return string(b)
}
