package server

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// handlerFunc answers one request; a returned error is written by the
// middleware with the status statusOf gives it.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p httprouter.Params, c *caller) error

// caller is the authenticated user of a request (zero on public routes).
type caller struct {
	user    User
	session session
	ip      string
}

// route is one entry of the routing table: every route declares the
// permission it needs ("" = public) and which rate-limit bucket it draws on.
type route struct {
	method, path string
	perm         Permission
	login        bool // draws on the login bucket (30/min) instead of the general one
	h            handlerFunc
}

// Routes lists the method, path and permission of every route, for docs
// and tests.
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range s.table() {
		out = append(out, RouteInfo{Method: rt.method, Path: rt.path, Permission: string(rt.perm)})
	}
	return out
}

// RouteInfo describes a route.
type RouteInfo struct{ Method, Path, Permission string }

func (s *Server) table() []route {
	return []route{
		{"GET", "/health", "", false, s.health},
		{"GET", "/health/detailed", permAuthenticated, false, s.healthDetailed},

		{"POST", "/api/v1/auth/login", "", true, s.login},
		{"POST", "/api/v1/auth/mfa/verify", "", true, s.mfaVerify},
		{"POST", "/api/v1/auth/logout", permAuthenticated, false, s.logout},
		{"GET", "/api/v1/auth/session", permAuthenticated, false, s.sessionInfo},
		{"GET", "/api/v1/auth/me", permAuthenticated, false, s.me},
		{"POST", "/api/v1/auth/mfa/setup", permAuthenticated, false, s.mfaSetup},
		{"POST", "/api/v1/auth/mfa/enable", permAuthenticated, false, s.mfaEnable},

		{"GET", "/api/v1/kv/keys", PermSelect, false, s.kvList},
		{"POST", "/api/v1/kv/keys", PermInsert, false, s.kvSet},
		{"GET", "/api/v1/kv/keys/*key", PermSelect, false, s.kvGet},
		{"DELETE", "/api/v1/kv/keys/*key", PermDelete, false, s.kvDelete},

		// SQL: the route needs SELECT; each statement's own permission
		// (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER) is checked in query.
		{"POST", "/api/v1/query", PermSelect, false, s.query},
		{"GET", "/api/v1/tables", PermSelect, false, s.tablesList},
		{"GET", "/api/v1/tables/:name", PermSelect, false, s.tableGet},
		{"PUT", "/api/v1/tables/:name/capture", PermAlter, false, s.tableCapture},
		{"GET", "/api/v1/documents/collections", PermSelect, false, s.docCollections},
		{"POST", "/api/v1/documents/collections", PermInsert, false, s.docCreateCollection},
		{"GET", "/api/v1/documents/collections/:name", PermSelect, false, s.docList},
		{"DELETE", "/api/v1/documents/collections/:name", PermDelete, false, s.docDropCollection},
		{"POST", "/api/v1/documents/collections/:name/documents", PermInsert, false, s.docInsert},
		{"GET", "/api/v1/documents/collections/:name/documents/:id", PermSelect, false, s.docGet},
		{"PUT", "/api/v1/documents/collections/:name/documents/:id", PermInsert, false, s.docReplace},
		{"DELETE", "/api/v1/documents/collections/:name/documents/:id", PermDelete, false, s.docDelete},
		{"POST", "/api/v1/documents/collections/:name/query", PermSelect, false, s.docQuery},
		{"POST", "/api/v1/documents/collections/:name/search", PermSelect, false, s.docSearch},
		{"POST", "/api/v1/documents/collections/:name/indexes", PermInsert, false, s.docCreateIndex},
		{"GET", "/api/v1/timeseries/metrics", PermSelect, false, s.tsListMetrics},
		{"POST", "/api/v1/timeseries/metrics", PermInsert, false, s.tsRegister},
		{"POST", "/api/v1/timeseries/write", PermInsert, false, s.tsWrite},
		{"POST", "/api/v1/timeseries/query", PermSelect, false, s.tsQuery},
		{"GET", "/api/v1/streaming/channels", PermSelect, false, s.streamListChannels},
		{"POST", "/api/v1/streaming/channels", PermInsert, false, s.streamCreateChannel},
		{"POST", "/api/v1/streaming/publish", PermInsert, false, s.streamPublish},
		{"GET", "/api/v1/streaming/channels/:channel/history", PermSelect, false, s.streamHistory},
		{"GET", "/api/v1/streaming/channels/:channel/subscribe", PermSelect, false, s.streamSubscribe},
		{"POST", "/api/v1/streaming/channels/:channel/groups/:group/fetch", PermInsert, false, s.streamGroupFetch},
		{"POST", "/api/v1/streaming/channels/:channel/groups/:group/ack", PermInsert, false, s.streamGroupAck},
		{"GET", "/api/v1/streaming/channels/:channel/groups/:group/pending", PermSelect, false, s.streamGroupPending},

		{"GET", "/api/v1/admin/users", PermUserCreate, false, s.userList},
		{"POST", "/api/v1/admin/users", PermUserCreate, false, s.userCreate},
		{"DELETE", "/api/v1/admin/users/:username", PermUserDelete, false, s.userDelete},
		{"PUT", "/api/v1/admin/users/:username/role", PermRoleAssign, false, s.userRole},

		{"GET", "/api/v1/admin/cluster", PermMetricsView, false, s.adminCluster},
		{"GET", "/api/v1/admin/dashboard", PermMetricsView, false, s.adminDashboard},
		{"GET", "/api/v1/admin/nodes", PermMetricsView, false, s.adminNodes},
		{"GET", "/api/v1/admin/storage", PermMetricsView, false, s.adminStorage},
		{"GET", "/api/v1/admin/stats", PermMetricsView, false, s.adminStats},
		{"GET", "/api/v1/admin/alerts", PermMetricsView, false, s.adminAlerts},
		{"GET", "/api/v1/admin/activities", PermLogsView, false, s.adminActivities},
		{"GET", "/api/v1/admin/audit", PermLogsView, false, s.adminAudit},
		{"GET", "/api/v1/metrics", PermMetricsView, false, s.metricsJSON},
		{"GET", "/metrics", PermMetricsView, false, s.prometheus},

		{"GET", "/debug/pprof/*item", PermConfigView, false, s.pprof},
	}
}

func (s *Server) routes() http.Handler {
	r := httprouter.New()
	for _, rt := range s.table() {
		r.Handle(rt.method, rt.path, s.wrap(rt))
	}
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.NotFound = s.plain("unmatched", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody{Error: fmt.Sprintf("no route %s %s", req.Method, req.URL.Path)})
	})
	r.MethodNotAllowed = s.plain("unmatched", func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: fmt.Sprintf("method %s not allowed on %s (allowed: %s)",
			req.Method, req.URL.Path, w.Header().Get("Allow"))})
	})
	r.PanicHandler = func(w http.ResponseWriter, req *http.Request, v any) {
		s.log.Error("panic in handler", "method", req.Method, "path", req.URL.Path, "panic", v)
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "internal server error"})
	}
	return r
}

// statusWriter remembers the status code for the request metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets pprof's streaming profiles through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// observe counts a finished request.
func (s *Server) observe(route, method string, code int, start time.Time) {
	if code == 0 {
		code = http.StatusOK
	}
	status := "ok"
	switch {
	case code >= 500:
		status = "error"
		s.errors5.Add(1)
	case code >= 400:
		status = "client_error"
		s.errors4.Add(1)
	}
	s.requests.Add(1)
	s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(code), status).Inc()
	s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
}

func (s *Server) plain(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() { s.observe(name, r.Method, sw.code, start) }()
		if !s.allow(sw, r, s.otherLim) {
			return
		}
		h(sw, r)
	})
}

// clientIP is the peer address of the connection. X-Forwarded-For is not
// trusted: behind a proxy, let the proxy limit and set rate_limit.enabled
// = false.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow takes a token from lim for the client, sets the X-RateLimit-*
// headers, and answers 429 when the bucket is empty.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, lim *limiter) bool {
	if !s.cfg.RateLimit.Enabled {
		return true
	}
	d := lim.take(clientIP(r))
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(d.reset.Unix()+1, 10))
	if d.allowed {
		return true
	}
	h.Set("Retry-After", strconv.Itoa(int(d.retry.Seconds())+1))
	writeJSON(w, http.StatusTooManyRequests, errorBody{Error: fmt.Sprintf("rate limit of %d requests per minute exceeded; retry in %ds", d.limit, int(d.retry.Seconds())+1)})
	return false
}

// wrap is the middleware of every route: metrics, panic recovery, rate
// limit, authentication, permission check, then the handler.
func (s *Server) wrap(rt route) httprouter.Handle {
	lim := s.otherLim
	if rt.login {
		lim = s.loginLim
	}
	return func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() { s.observe(rt.path, r.Method, sw.code, start) }()
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				if sw.code == 0 {
					writeJSON(sw, http.StatusInternalServerError, errorBody{Error: "internal server error"})
				}
			}
		}()
		if !s.allow(sw, r, lim) {
			return
		}
		c := &caller{ip: clientIP(r)}
		if rt.perm != "" {
			if err := s.authorize(r, rt, c); err != nil {
				s.writeError(sw, r, err)
				return
			}
		}
		if err := rt.h(sw, r, p, c); err != nil {
			s.writeError(sw, r, err)
		}
	}
}

// mfaEnrolRoutes are the routes a user without MFA may call when
// auth.mfa_required is set.
var mfaEnrolRoutes = map[string]bool{
	"/api/v1/auth/mfa/setup": true, "/api/v1/auth/mfa/enable": true,
	"/api/v1/auth/logout": true, "/api/v1/auth/me": true, "/api/v1/auth/session": true,
}

func (s *Server) authorize(r *http.Request, rt route, c *caller) error {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		if h == "" {
			return fmt.Errorf("%w: send Authorization: Bearer <token> (get one from POST /api/v1/auth/login)", ErrUnauthorized)
		}
		return fmt.Errorf("%w: the Authorization header must be \"Bearer <token>\"", ErrUnauthorized)
	}
	sess, ok := s.sessions.lookup(token)
	if !ok || sess.mfaPending {
		return fmt.Errorf("%w: token is invalid, expired or revoked", ErrUnauthorized)
	}
	u, ok := s.users.get(sess.username)
	if !ok {
		s.sessions.revoke(sess.token)
		return fmt.Errorf("%w: the token's user no longer exists", ErrUnauthorized)
	}
	c.user, c.session = u, sess
	if s.cfg.Auth.MFARequired && !u.MFAEnabled && !mfaEnrolRoutes[rt.path] {
		return fmt.Errorf("%w: MFA is required: enrol with POST /api/v1/auth/mfa/setup and /api/v1/auth/mfa/enable", ErrForbidden)
	}
	if s.cfg.RBAC.Enabled && !roleAllows(u.Role, rt.perm) {
		return fmt.Errorf("%w: role %q lacks %s, needed by %s %s", ErrForbidden, u.Role, rt.perm, rt.method, rt.path)
	}
	return nil
}

func (s *Server) prometheus(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

func (s *Server) pprof(w http.ResponseWriter, r *http.Request, p httprouter.Params, _ *caller) error {
	switch item := strings.TrimPrefix(p.ByName("item"), "/"); item {
	case "":
		pprof.Index(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "trace":
		pprof.Trace(w, r)
	default:
		pprof.Handler(item).ServeHTTP(w, r)
	}
	return nil
}
