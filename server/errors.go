package server

import (
	"errors"
	"net/http"

	"github.com/aegisdb/aegis/model/kv"
	"github.com/aegisdb/aegis/model/stream"
	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/mvcc"
)

var (
	// ErrBadRequest marks input the server cannot use: malformed JSON, a
	// field of the wrong type, a missing or invalid field.
	ErrBadRequest = errors.New("server: bad request")
	// ErrUnauthorized: no token, or a token that is unknown, expired or revoked.
	ErrUnauthorized = errors.New("server: authentication required")
	// ErrBadCredentials: a wrong username, password or MFA code.
	ErrBadCredentials = errors.New("server: invalid credentials")
	// ErrForbidden: the caller's role lacks the route's permission.
	ErrForbidden = errors.New("server: permission denied")
	// ErrNotFound: an unknown key, user or route.
	ErrNotFound = errors.New("server: not found")
	// ErrConflict: the request clashes with the current state (a user that
	// exists, removing the last admin).
	ErrConflict = errors.New("server: conflict")
	// ErrTooLarge: a body, key or value over its limit.
	ErrTooLarge = errors.New("server: request too large")
	// ErrRateLimited: the client's token bucket is empty.
	ErrRateLimited = errors.New("server: rate limit exceeded")
	// ErrUnavailable: the server is shutting down or storage failed.
	ErrUnavailable = errors.New("server: unavailable")
)

// statusOf maps an error to its HTTP status. It is the one place where
// errors of every layer meet status codes; anything it does not know is a
// server fault (500), and each such case is a bug or a storage failure.
func statusOf(err error) int {
	var maxBytes *http.MaxBytesError
	switch {
	case errors.Is(err, ErrBadRequest), errors.Is(err, kv.ErrEmptyKey), errors.Is(err, kv.ErrBadTTL),
		errors.Is(err, timeseries.ErrInvalid), errors.Is(err, timeseries.ErrOutOfOrder),
		errors.Is(err, timeseries.ErrTooManyPoints), errors.Is(err, stream.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrBadCredentials):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound), errors.Is(err, kv.ErrNotFound),
		errors.Is(err, timeseries.ErrUnknownMetric), errors.Is(err, stream.ErrUnknownChannel):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict), errors.Is(err, kv.ErrBusy), errors.Is(err, mvcc.ErrConflict),
		errors.Is(err, timeseries.ErrMetricExists), errors.Is(err, stream.ErrChannelExists):
		return http.StatusConflict
	case errors.Is(err, ErrTooLarge), errors.Is(err, kv.ErrKeyTooLarge), errors.Is(err, kv.ErrValueTooLarge),
		errors.As(err, &maxBytes), errors.Is(err, stream.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrUnavailable), errors.Is(err, mvcc.ErrClosed), errors.Is(err, mvcc.ErrFailed),
		errors.Is(err, timeseries.ErrClosed), errors.Is(err, stream.ErrClosed):
		return http.StatusServiceUnavailable
	}
	if code := sqlStatus(err); code != 0 {
		return code
	}
	return http.StatusInternalServerError
}
