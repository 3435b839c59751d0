package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aegisdb/aegis/model/document"
	"github.com/julienschmidt/httprouter"
)

// Document routes: the user guide's "Document Store API" plus the query,
// search, update, delete and index routes docs/api.md describes.

// docBodyLimit bounds a document route's request body.
const docBodyLimit = document.DefaultMaxDocumentSize + 64<<10

// docErr maps the document model's errors onto the server's sentinels,
// so statusOf gives them their 4xx codes.
func docErr(err error) error {
	var sentinel error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, document.ErrNotFound):
		sentinel = ErrNotFound
	case errors.Is(err, document.ErrExists), errors.Is(err, document.ErrBusy):
		sentinel = ErrConflict
	case errors.Is(err, document.ErrBadName), errors.Is(err, document.ErrBadFilter), errors.Is(err, document.ErrBadSchema),
		errors.Is(err, document.ErrBadDocument), errors.Is(err, document.ErrValidation), errors.Is(err, document.ErrNoTextIndex):
		sentinel = ErrBadRequest
	default:
		return err
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}

// docJSON is a document as the API shows it.
type docJSON struct {
	ID         string         `json:"id"`
	Collection string         `json:"collection"`
	Data       map[string]any `json:"data"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Score      *float64       `json:"score,omitempty"`
}

func toDocJSON(d *document.Document, withScore bool) docJSON {
	out := docJSON{ID: d.ID, Collection: d.Collection, Data: d.Data, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if withScore {
		score := d.Score
		out.Score = &score
	}
	return out
}

func docsJSON(ds []*document.Document, withScore bool) []docJSON {
	out := make([]docJSON, len(ds))
	for i, d := range ds {
		out[i] = toDocJSON(d, withScore)
	}
	return out
}

func elapsedMS(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

type collectionJSON struct {
	Name       string         `json:"name"`
	CreatedAt  time.Time      `json:"created_at"`
	Indexes    []string       `json:"indexes"`
	TextFields []string       `json:"text_fields"`
	Schema     map[string]any `json:"schema,omitempty"`
	Documents  int            `json:"document_count"`
}

func (s *Server) docCollections(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	start := time.Now()
	cs, err := s.docs.Collections()
	if err != nil {
		return docErr(err)
	}
	out := make([]collectionJSON, 0, len(cs))
	for _, c := range cs {
		n, err := s.docs.Count(c.Name)
		if err != nil {
			return docErr(err)
		}
		out = append(out, collectionJSON{Name: c.Name, CreatedAt: c.CreatedAt, Indexes: c.Indexes, TextFields: c.TextFields, Schema: c.Schema, Documents: n})
	}
	s.metrics.observeQuery("document", "collections", start)
	writeJSON(w, http.StatusOK, map[string]any{"collections": out, "count": len(out)})
	return nil
}

type createCollectionRequest struct {
	Name       *string        `json:"name"`
	Indexes    []string       `json:"indexes"`
	TextFields []string       `json:"text_fields"`
	Schema     map[string]any `json:"schema"`
}

func (s *Server) docCreateCollection(w http.ResponseWriter, r *http.Request, _ httprouter.Params, c *caller) error {
	var req createCollectionRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return badRequest(`field "name" is required`)
	}
	col, err := s.docs.CreateCollection(document.Spec{Name: *req.Name, Indexes: req.Indexes, TextFields: req.TextFields, Schema: req.Schema})
	if err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "collection_create", User: c.user.Username, Target: col.Name, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusCreated, collectionJSON{Name: col.Name, CreatedAt: col.CreatedAt, Indexes: col.Indexes, TextFields: col.TextFields, Schema: col.Schema})
	return nil
}

func (s *Server) docDropCollection(w http.ResponseWriter, _ *http.Request, p httprouter.Params, c *caller) error {
	name := p.ByName("name")
	if err := s.docs.DropCollection(name); err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "collection_drop", User: c.user.Username, Target: name, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "name": name})
	return nil
}

// intParam reads a non-negative integer query parameter (def if absent).
func intParam(r *http.Request, name string, def, maxVal int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxVal {
		return 0, badRequest("%s %q: want an integer from 0 to %d", name, v, maxVal)
	}
	return n, nil
}

// findResponse is the body of the list and query routes.
func findResponse(res *document.Result, start time.Time) map[string]any {
	return map[string]any{
		"documents":         docsJSON(res.Documents, false),
		"total_scanned":     res.Scanned,
		"total_matched":     res.Matched,
		"index_used":        res.Index,
		"execution_time_ms": elapsedMS(start),
	}
}

func (s *Server) docList(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	limit, err := intParam(r, "limit", defaultListLimit, maxListLimit)
	if err != nil {
		return err
	}
	skip, err := intParam(r, "skip", 0, 1<<30)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := s.docs.Find(p.ByName("name"), document.Query{Skip: skip, Limit: limit})
	s.metrics.observeQuery("document", "list", start)
	if err != nil {
		return docErr(err)
	}
	writeJSON(w, http.StatusOK, findResponse(res, start))
	return nil
}

type docQueryRequest struct {
	Filter     map[string]any `json:"filter"`
	Sort       []string       `json:"sort"`
	Skip       *int           `json:"skip"`
	Limit      *int           `json:"limit"`
	Projection []string       `json:"projection"`
}

func (s *Server) docQuery(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	var req docQueryRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	q := document.Query{Filter: req.Filter, Sort: req.Sort, Projection: req.Projection, Limit: defaultListLimit}
	if req.Skip != nil {
		if *req.Skip < 0 {
			return badRequest(`field "skip" = %d: want 0 or more`, *req.Skip)
		}
		q.Skip = *req.Skip
	}
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > maxListLimit {
			return badRequest(`field "limit" = %d: want 1 to %d`, *req.Limit, maxListLimit)
		}
		q.Limit = *req.Limit
	}
	start := time.Now()
	res, err := s.docs.Find(p.ByName("name"), q)
	s.metrics.observeQuery("document", "query", start)
	if err != nil {
		return docErr(err)
	}
	writeJSON(w, http.StatusOK, findResponse(res, start))
	return nil
}

type searchRequest struct {
	Query  *string            `json:"query"`
	Fields []string           `json:"fields"`
	Boosts map[string]float64 `json:"boosts"`
	Limit  *int               `json:"limit"`
	Filter map[string]any     `json:"filter"`
}

func (s *Server) docSearch(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	var req searchRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	if req.Query == nil {
		return badRequest(`field "query" is required`)
	}
	tq := document.TextQuery{Query: *req.Query, Fields: req.Fields, Boosts: req.Boosts, Filter: req.Filter}
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > maxListLimit {
			return badRequest(`field "limit" = %d: want 1 to %d`, *req.Limit, maxListLimit)
		}
		tq.Limit = *req.Limit
	}
	start := time.Now()
	res, err := s.docs.Search(p.ByName("name"), tq)
	s.metrics.observeQuery("document", "search", start)
	if err != nil {
		return docErr(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"documents":         docsJSON(res.Documents, true),
		"total_matched":     res.Matched,
		"execution_time_ms": elapsedMS(start),
	})
	return nil
}

type insertRequest struct {
	ID       *string        `json:"id"`
	Document map[string]any `json:"document"`
}

func (s *Server) docInsert(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error {
	var req insertRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	if req.Document == nil {
		return badRequest(`field "document" is required (a JSON object)`)
	}
	id := ""
	if req.ID != nil {
		if *req.ID == "" {
			return badRequest(`field "id" is empty: leave it out for a generated id`)
		}
		id = *req.ID
	}
	start := time.Now()
	d, err := s.docs.Insert(p.ByName("name"), id, req.Document)
	s.metrics.observeQuery("document", "insert", start)
	if err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "document_insert", User: c.user.Username, Target: d.Collection + "/" + d.ID, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusCreated, toDocJSON(d, false))
	return nil
}

func (s *Server) docGet(w http.ResponseWriter, _ *http.Request, p httprouter.Params, _ *caller) error {
	start := time.Now()
	d, err := s.docs.Get(p.ByName("name"), p.ByName("id"))
	s.metrics.observeQuery("document", "get", start)
	if err != nil {
		return docErr(err)
	}
	writeJSON(w, http.StatusOK, toDocJSON(d, false))
	return nil
}

type replaceRequest struct {
	Document map[string]any `json:"document"`
}

func (s *Server) docReplace(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error {
	var req replaceRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	if req.Document == nil {
		return badRequest(`field "document" is required (a JSON object)`)
	}
	start := time.Now()
	d, err := s.docs.Replace(p.ByName("name"), p.ByName("id"), req.Document)
	s.metrics.observeQuery("document", "update", start)
	if err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "document_update", User: c.user.Username, Target: d.Collection + "/" + d.ID, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, toDocJSON(d, false))
	return nil
}

func (s *Server) docDelete(w http.ResponseWriter, _ *http.Request, p httprouter.Params, c *caller) error {
	name, id := p.ByName("name"), p.ByName("id")
	start := time.Now()
	err := s.docs.Delete(name, id)
	s.metrics.observeQuery("document", "delete", start)
	if err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "document_delete", User: c.user.Username, Target: name + "/" + id, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "id": id, "collection": name})
	return nil
}

type indexRequest struct {
	Field      *string  `json:"field"`
	TextFields []string `json:"text_fields"`
}

// docCreateIndex adds a secondary index ({"field": path}) or sets the
// full-text fields ({"text_fields": [...]}), indexing what is stored.
func (s *Server) docCreateIndex(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error {
	var req indexRequest
	if err := decodeBody(w, r, docBodyLimit, &req); err != nil {
		return err
	}
	name := p.ByName("name")
	var err error
	switch {
	case (req.Field == nil) == (req.TextFields == nil):
		return badRequest(`give exactly one of "field" (a secondary index) and "text_fields" (the full-text index)`)
	case req.Field != nil:
		err = s.docs.CreateIndex(name, *req.Field)
	default:
		err = s.docs.CreateTextIndex(name, req.TextFields)
	}
	if err != nil {
		return docErr(err)
	}
	col, err := s.docs.Collection(name)
	if err != nil {
		return docErr(err)
	}
	s.activities.record(Activity{Type: "document", Action: "index_create", User: c.user.Username, Target: name, ClientIP: c.ip, Success: true})
	writeJSON(w, http.StatusCreated, collectionJSON{Name: col.Name, CreatedAt: col.CreatedAt, Indexes: col.Indexes, TextFields: col.TextFields, Schema: col.Schema})
	return nil
}
