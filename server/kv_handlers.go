package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aegisdb/aegis/model/kv"
	"github.com/julienschmidt/httprouter"
)

// List limits: the default page and the most a client may ask for.
const (
	defaultListLimit = 1000
	maxListLimit     = 10000
	maxTTLSeconds    = 10 * 365 * 24 * 3600
)

// kvEntry is a key as the API shows it: the value is the JSON the client
// stored; expires_at and ttl (seconds left) only for keys with a TTL.
type kvEntry struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	ExpiresAt *time.Time      `json:"expires_at,omitempty"`
	TTL       *int64          `json:"ttl,omitempty"`
}

func (s *Server) entry(e kv.Entry) kvEntry {
	out := kvEntry{Key: string(e.Key), Value: json.RawMessage(e.Value)}
	if !e.ExpiresAt.IsZero() {
		exp := e.ExpiresAt.UTC()
		left := int64(math.Ceil(e.ExpiresAt.Sub(s.now()).Seconds()))
		out.ExpiresAt, out.TTL = &exp, &left
	}
	return out
}

// pathKey is the key of /api/v1/kv/keys/*key (it may contain slashes).
func pathKey(p httprouter.Params) (string, error) {
	k := strings.TrimPrefix(p.ByName("key"), "/")
	if k == "" {
		return "", badRequest("empty key in the path")
	}
	return k, nil
}

func (s *Server) kvList(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	q := r.URL.Query()
	limit := defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return badRequest("limit %q: want an integer from 1 to %d", v, maxListLimit)
		}
		limit = n
	}
	start := time.Now()
	// One more than asked says whether the list was cut.
	entries, err := s.kv.List([]byte(q.Get("prefix")), limit+1)
	s.metrics.observeQuery("kv", "list", start)
	if err != nil {
		return err
	}
	truncated := len(entries) > limit
	if truncated {
		entries = entries[:limit]
	}
	keys := make([]kvEntry, len(entries))
	for i, e := range entries {
		keys[i] = s.entry(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys, "count": len(keys), "truncated": truncated})
	return nil
}

func (s *Server) kvGet(w http.ResponseWriter, _ *http.Request, p httprouter.Params, _ *caller) error {
	key, err := pathKey(p)
	if err != nil {
		return err
	}
	start := time.Now()
	e, err := s.kv.Get([]byte(key))
	s.metrics.observeQuery("kv", "get", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.entry(e))
	return nil
}

type kvSetRequest struct {
	Key   *string         `json:"key"`
	Value json.RawMessage `json:"value"`
	TTL   *int64          `json:"ttl"` // seconds; absent or 0: never expires
}

func (s *Server) kvSet(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	maxKey, maxValue := s.kv.Limits()
	var req kvSetRequest
	if err := decodeBody(w, r, int64(maxKey+maxValue)+64<<10, &req); err != nil {
		return err
	}
	switch {
	case req.Key == nil:
		return badRequest(`field "key" is required`)
	case req.Value == nil || bytes.Equal(req.Value, []byte("null")):
		return badRequest(`field "value" is required (any JSON value but null)`)
	case req.TTL != nil && (*req.TTL < 0 || *req.TTL > maxTTLSeconds):
		return badRequest(`field "ttl" = %d: want seconds from 0 (never expires) to %d`, *req.TTL, maxTTLSeconds)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, req.Value); err != nil {
		return badRequest(`field "value": %v`, err)
	}
	var ttl time.Duration
	if req.TTL != nil {
		ttl = time.Duration(*req.TTL) * time.Second
	}
	start := time.Now()
	e, err := s.kv.Set([]byte(*req.Key), compact.Bytes(), ttl)
	s.metrics.observeQuery("kv", "set", start)
	if err != nil {
		return err
	}
	s.activities.record(Activity{Type: "kv", Action: "kv_set", User: c.user.Username, Target: *req.Key, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, s.entry(e))
	return nil
}

func (s *Server) kvDelete(w http.ResponseWriter, _ *http.Request, p httprouter.Params, c *caller) error {
	key, err := pathKey(p)
	if err != nil {
		return err
	}
	start := time.Now()
	err = s.kv.Delete([]byte(key))
	s.metrics.observeQuery("kv", "delete", start)
	if err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	s.activities.record(Activity{Type: "kv", Action: "kv_delete", User: c.user.Username, Target: key, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "key": key})
	return nil
}
