package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// errorBody is every error response: {"error": "..."}.
type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}

// writeError answers with the status statusOf assigns to err. A 5xx is
// logged with the full error and answered with a generic message, so no
// internal detail leaks; a 4xx tells the client what was wrong.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := clientMessage(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		msg = http.StatusText(status)
	}
	writeJSON(w, status, errorBody{Error: msg})
}

// clientMessage strips our package prefixes ("server: bad request: ")
// from an error for the client, keeping the detail.
func clientMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"server: bad request: ", "server: ", "kv: ", "timeseries: ", "stream: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadRequest}, args...)...)
}

// decodeBody reads one JSON object from the request body into v, strictly:
// unknown fields, wrong types, trailing data and an empty body are
// ErrBadRequest naming the problem; a body over limit bytes is a
// *http.MaxBytesError (413).
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, limit)
		}
		return badRequest("reading the body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("empty body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			if typeErr.Field == "" {
				return badRequest("body is a JSON %s: want a JSON object", typeErr.Value)
			}
			return badRequest("field %q is a JSON %s: want %s", typeErr.Field, typeErr.Value, jsonKind(typeErr.Type.Kind().String()))
		case errors.As(err, &syntaxErr):
			return badRequest("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badRequest("malformed JSON: unexpected end of body")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return badRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return badRequest("malformed JSON: %v", err)
	}
	if dec.More() {
		return badRequest("malformed JSON: data after the object")
	}
	return nil
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "uint", "uint64", "uint32", "float64":
		return "a number"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return goKind
}
