package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/model/document"
	"github.com/aegisdb/aegis/model/kv"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/server/config"
	"github.com/aegisdb/aegis/sql"
)

// Version is reported by /health and the admin routes.
const Version = "0.1.0-dev"

// Server is one AegisDB node: storage (engine, mvcc, models), the users
// and sessions, and the HTTP API.
type Server struct {
	cfg     *config.Config
	log     *slog.Logger
	eng     engine.Engine
	db      *mvcc.DB
	kv      *kv.Store
	sqlEng  *sql.Engine
	docs    *document.Store
	tss     *tsStreams
	dataDir string // the engine's directory, "" for memory

	users      *users
	sessions   *sessions
	activities *activities
	metrics    *metrics
	loginLim   *limiter
	otherLim   *limiter
	disk       dirSize
	now        func() time.Time

	started  time.Time
	requests atomic.Uint64
	errors5  atomic.Uint64
	errors4  atomic.Uint64

	http    *http.Server
	handler http.Handler
}

// Options are what New needs beyond the configuration.
type Options struct {
	Logger *slog.Logger // nil: text to stderr
	// Env is consulted for AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD;
	// nil means the process environment.
	Env func(string) string
	// Now is the clock of the rate limiters and of MFA code checks; nil
	// means time.Now. Tests freeze it.
	Now func() time.Time
}

// New opens storage and builds the API. The caller must Close it.
func New(cfg *config.Config, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{cfg: cfg, log: opts.Logger, sessions: newSessions(), now: opts.Now, started: time.Now()}
	eopts := engine.Options{
		Compression: cfg.Storage.Compression,
		CacheSize:   int64(cfg.Storage.BufferPoolSize),
		DisableWAL:  !cfg.Storage.WALEnabled,
	}
	if cfg.Storage.Backend != "memory" {
		s.dataDir = filepath.Join(cfg.Storage.DataDirectory, cfg.Storage.Backend)
		if err := os.MkdirAll(s.dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("server: data directory: %w", err)
		}
		eopts.Dir = s.dataDir
	}
	var err error
	if s.eng, err = engine.Open(cfg.Storage.Backend, eopts); err != nil {
		return nil, fmt.Errorf("server: opening the %s backend: %w", cfg.Storage.Backend, err)
	}
	if s.db, err = mvcc.Open(s.eng, mvcc.Options{SyncOnCommit: cfg.Storage.SyncOnCommit}); err != nil {
		s.eng.Close()
		return nil, fmt.Errorf("server: opening mvcc: %w", err)
	}
	s.kv = kv.New(s.db, kv.Options{MaxKeySize: int(cfg.KV.MaxKeySize), MaxValueSize: int(cfg.KV.MaxValueSize)})
	s.sqlEng = sql.Open(s.db)
	s.docs = document.New(s.db, document.Options{Now: s.now})
	s.tss = newTSStreams(s.db)
	s.sqlEng.UseStreams(s.tss.streams)   // change data capture publishes there
	s.sqlEng.UseTimeSeries(s.tss.series) // metric(...) in SQL reads there
	if s.users, err = loadUsers(s.db); err != nil {
		s.closeStorage()
		return nil, err
	}
	s.activities = newActivities(s.db, s.log)
	if err := s.bootstrapAdmin(opts.Env); err != nil {
		s.closeStorage()
		return nil, err
	}
	s.loginLim = newLimiter(cfg.RateLimit.LoginPerMinute, s.now)
	s.otherLim = newLimiter(cfg.RateLimit.RequestsPerMinute, s.now)
	s.metrics = newMetrics(s)
	s.handler = s.routes()
	return s, nil
}

// bootstrapAdmin creates the first admin when there are no users: from
// AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD, or "admin" with a random
// password logged once.
func (s *Server) bootstrapAdmin(env func(string) string) error {
	if s.users.count() > 0 {
		return nil
	}
	name, pw := env("AEGIS_ADMIN_USERNAME"), env("AEGIS_ADMIN_PASSWORD")
	generated := false
	if name == "" {
		name = "admin"
	}
	if pw == "" {
		pw, generated = randomPassword(), true
	}
	if _, err := s.users.create(name, "", pw, RoleAdmin); err != nil {
		return fmt.Errorf("server: creating the first admin from AEGIS_ADMIN_USERNAME/AEGIS_ADMIN_PASSWORD: %w", err)
	}
	if generated {
		s.log.Warn("created the first admin with a random password; it is shown only this once",
			"username", name, "password", pw)
	} else {
		s.log.Info("created the first admin from AEGIS_ADMIN_USERNAME/AEGIS_ADMIN_PASSWORD", "username", name)
	}
	s.activities.record(Activity{Type: "user", Action: "user_create", Target: name, Success: true, Detail: "first admin"})
	return nil
}

// Handler is the whole HTTP API.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers on l until Shutdown. It returns http.ErrServerClosed
// after a shutdown.
func (s *Server) Serve(l net.Listener) error {
	if s.cfg.Server.MaxConnections > 0 {
		l = limitListener(l, s.cfg.Server.MaxConnections)
	}
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Server.RequestTimeout.Duration,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnState: func(_ net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				s.metrics.connections.Inc()
			case http.StateClosed, http.StateHijacked:
				s.metrics.connections.Dec()
			}
		},
	}
	if t := s.cfg.Server.TLS; t.Enabled {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return fmt.Errorf("server: TLS certificate %s / key %s: %w", t.CertFile, t.KeyFile, err)
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	return s.http.Serve(l)
}

// Shutdown stops accepting requests, waits for those in flight (until ctx
// ends), then flushes and closes storage.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.tss.stopLive() // live subscriptions would keep Shutdown waiting
	if s.http != nil {
		err = s.http.Shutdown(ctx)
	}
	return errors.Join(err, s.closeStorage())
}

// Close closes storage without waiting for requests (tests, failed start).
func (s *Server) Close() error { return s.closeStorage() }

func (s *Server) closeStorage() error {
	var errs []error
	if s.kv != nil {
		errs = append(errs, s.kv.Close())
	}
	errs = append(errs, s.tss.close())
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if s.eng != nil {
		errs = append(errs, s.eng.Flush(), s.eng.Close())
	}
	for i, e := range errs {
		if errors.Is(e, engine.ErrClosed) || errors.Is(e, mvcc.ErrClosed) {
			errs[i] = nil // a second Close
		}
	}
	return errors.Join(errs...)
}

func (s *Server) storageBytes() int64 { return s.disk.get(s.dataDir) }

func (s *Server) rateLimited() uint64 { return s.loginLim.refused() + s.otherLim.refused() }
