// Package server is AegisDB's HTTP API: the REST routes of the user guide
// on github.com/julienschmidt/httprouter (port 9090 by default), with
// authentication, roles, rate limits, an audit log and Prometheus metrics.
//
// Uses: engine (and engine/backends through server/config), mvcc, model/kv,
// sql (and its error sentinels from parser, optimizer, vexec, model/table,
// model/types), model/document, model/timeseries, model/stream,
// server/config. Used by: cmd/aegis.
//
//	server.New(cfg, opts)  opens engine -> mvcc.DB -> kv.Store, loads users,
//	                       creates the first admin on the very first start
//	srv.Serve(listener)    answers until Shutdown
//	srv.Shutdown(ctx)      drains requests, then flushes and closes storage
//
// # Request pipeline
//
// Every route is one entry of a table (routes.go) that names its method,
// path, the permission it needs ("" = public) and its rate-limit bucket.
// One wrapper runs, in order: request metrics, panic recovery (a logged
// 500), the caller's token bucket (X-RateLimit-Limit/Remaining/Reset on
// every reply; 429 with Retry-After when empty), the bearer token, the
// role's permission (403), then the handler. Handlers return errors;
// statusOf (errors.go) is the one place that maps them to status codes:
// 400 bad input or wrong JSON types, 401 no/invalid token or credentials,
// 403 role, 404 unknown key/user/route, 405 wrong method, 409 conflict,
// 413 body, key or value too large, 429 rate limited. Bodies are decoded
// strictly (unknown fields, trailing data and wrong types are 400) under a
// size cap. Every error reply is {"error": "..."}; a 5xx says only
// "Internal Server Error" to the client and logs the cause.
//
// # Security
//
//   - Passwords: argon2id (19 MiB, 2 passes, 1 lane) with a 16-byte random
//     salt per user, stored as $argon2id$v=19$m=..,t=..,p=..$salt$hash. A
//     login for an unknown user hashes too, so timing does not reveal names.
//   - Tokens: 256 random bits, hex; they expire after auth.session_timeout
//     and are revoked by logout, by deleting the user, or by a restart.
//   - MFA: TOTP (RFC 6238, 30 s steps, ±1 step). POST /api/v1/auth/mfa/setup
//     returns a secret, an otpauth:// URL and ten one-time recovery codes
//     (stored as SHA-256); POST /api/v1/auth/mfa/enable confirms with a code.
//     Then login answers {"mfa_required": true, "mfa_token": ...} and
//     POST /api/v1/auth/mfa/verify {"token", "code"} completes it. No code
//     is always accepted; the last TOTP code is refused if replayed; five
//     wrong codes revoke the pending token.
//   - Roles (rbac.go): admin (everything), operator (data read/write,
//     metrics, logs), analyst (read, metrics, logs), viewer (read).
//   - Rate limits (ratelimit.go): a token bucket per client IP and class:
//     login and MFA verify share one (30/min), every other route another
//     (1000/min); [rate_limit] sets both or turns them off.
//   - SQL (sql_handlers.go): POST /api/v1/query needs SELECT; every
//     statement of the script is checked first for its own permission
//     (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER), so a refused script
//     runs nothing. Each request is one sql.Session over the shared
//     sql.Engine: statements autocommit unless the script has BEGIN ...
//     COMMIT, and a transaction left open is rolled back at the end of the
//     request. SQL errors answer {"success": false, "error"}: 400 for
//     syntax, names (an unknown table too), types and values, 409 for
//     duplicate keys, NOT NULL and existing names (sqlStatus).
//   - Audit: logins (and failures), MFA and user changes go to the log and
//     to mvcc, and so does DDL (type "ddl", refused DDL too); GET
//     /api/v1/admin/audit reads them back. All events (kv
//     writes too) feed the in-memory activity ring of /admin/activities.
//
// # Storage layout (keyspaces of the one mvcc DB)
//
//	"kv" 0x00 <key>                          model/kv records
//	"doc" 0x00 ..., "fts" 0x00 "doc." ...    model/document collections, documents, indexes
//	"sys" 0x00 "user" 0x00 <username>        JSON user (hashes only)
//	"sys" 0x00 "audit" 0x00 <ns:8 BE><id:8>  JSON audit event
//	"ts" 0x00 ...                            model/timeseries (see its doc.go)
//	"st" 0x00 ...                            model/stream (see its doc.go)
//
// The engine's files live in <data_directory>/<backend>, so switching the
// backend in aegis.toml never opens one backend's files with another.
//
// # Metrics
//
// /metrics is served from a registry the server owns: aegis_requests_total
// {route,method,code,status}, aegis_request_duration_seconds,
// aegis_queries_total and aegis_query_duration_seconds {model,op} (KV
// operations, and one per SQL statement with model="sql"), aegis_connections_active, aegis_storage_bytes,
// aegis_cache_hits_total, then every engine counter (aegis_engine_*, with
// each backend's Details), MVCC commits/aborts/GC, KV expiry and the Go
// runtime and process collectors.
//
// # Simplifications
//
//   - Documents, time series, streaming, graph and compliance routes are
//     not here yet.
//   - A SQL transaction cannot span requests (no server-side sessions for
//     SQL); the statement is not bounded by a timeout, only canceled when
//     the client goes away.
//   - One node: /admin/cluster and /admin/nodes describe this process; the
//     node operations (restart, drain, remove, logs) and
//     aegis_replication_lag_seconds arrive with replication.
//   - Sessions live in memory: a restart signs everyone out.
//   - Users are cached in memory and written through to mvcc; one process
//     owns a data directory (there is no lock file yet).
//   - The client IP is the TCP peer; X-Forwarded-For is not trusted.
//   - [server] request_timeout bounds reading a request, not handling it.
//   - Alerts are computed from live figures on each call; nothing is
//     stored or notified.
//   - The activity ring keeps the last 1000 events since start.
//
// # Tests
//
// End-to-end tests start the real server on a loopback port and drive
// every route over HTTP: 401 and 403 on every protected route, each kind
// of bad body on every body route, limits and unknown names, the 31st
// login, users, MFA, metrics; the API suite runs on every registered
// backend chosen through aegis.toml. FuzzRequest sends random requests and
// fails on any 5xx. The kill -9 test of the binary is in cmd/aegis.
package server
