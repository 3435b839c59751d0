package server

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/julienschmidt/httprouter"
)

// nodeID names this node; there is one until replication lands.
const nodeID = "node-1"

func (s *Server) health(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	writeJSON(w, http.StatusOK, map[string]any{"status": "healthy", "version": Version})
	return nil
}

func (s *Server) healthDetailed(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	status, code := "healthy", http.StatusOK
	storage := "ok"
	if err := s.probeStorage(); err != nil {
		status, storage, code = "unhealthy", err.Error(), http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{
		"status": status, "version": Version, "node_id": nodeID,
		"uptime_seconds": int64(time.Since(s.started).Seconds()),
		"checks": map[string]any{
			"storage": storage, "backend": s.cfg.Storage.Backend,
			"users": s.users.count(), "sessions_active": s.sessions.active(),
		},
	})
	return nil
}

// probeStorage reads through mvcc to show the storage stack answers.
func (s *Server) probeStorage() error {
	_, err := s.kv.List([]byte("\xff\xff\xff"), 1)
	return err
}

func (s *Server) nodeInfo() map[string]any {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	host, _ := os.Hostname()
	return map[string]any{
		"id": nodeID, "address": s.cfg.Addr(), "hostname": host, "role": "leader", "status": "healthy",
		"version": Version, "uptime_seconds": int64(time.Since(s.started).Seconds()),
		"metrics": map[string]any{
			"cpus": runtime.NumCPU(), "goroutines": runtime.NumGoroutine(),
			"memory_heap_bytes": ms.HeapAlloc, "memory_sys_bytes": ms.Sys,
			"requests_total": s.requests.Load(), "storage_bytes": s.storageBytes(),
		},
	}
}

func (s *Server) adminCluster(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "aegis", "node_id": nodeID, "leader": nodeID, "status": "healthy",
		"nodes": []any{s.nodeInfo()}, "node_count": 1,
		"replication": "none: a single node (replication is not built yet)",
		"version":     Version,
	})
	return nil
}

func (s *Server) adminNodes(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	writeJSON(w, http.StatusOK, map[string]any{"nodes": []any{s.nodeInfo()}, "count": 1})
	return nil
}

func (s *Server) adminStorage(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	em := s.eng.Metrics()
	details := map[string]float64{}
	for _, d := range em.Details {
		details[d.Name] = d.Value
	}
	keys, err := s.kv.Count(nil)
	if err != nil {
		return err
	}
	out := map[string]any{
		"backend": em.Backend, "data_directory": s.dataDir, "compression": s.cfg.Storage.Compression,
		"wal_enabled": s.cfg.Storage.WALEnabled, "sync_on_commit": s.cfg.Storage.SyncOnCommit,
		"buffer_pool_size": int64(s.cfg.Storage.BufferPoolSize), "bytes_on_disk": s.storageBytes(),
		"kv_keys": keys,
		"engine": map[string]any{
			"gets": em.Gets, "batches_applied": em.BatchesApplied, "synced_batches": em.SyncedBatches,
			"keys_put": em.KeysPut, "keys_deleted": em.KeysDeleted, "bytes_written": em.BytesWritten,
			"iterators_opened": em.IteratorsOpened, "details": details,
		},
	}
	if free, total, ok := diskSpace(s.dataDir); ok {
		out["disk_free_bytes"], out["disk_total_bytes"] = free, total
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func diskSpace(dir string) (free, total uint64, ok bool) {
	if dir == "" {
		return 0, 0, false
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), true
}

func (s *Server) stats() map[string]any {
	km, mm := s.kv.Metrics(), s.db.Metrics()
	up := time.Since(s.started).Seconds()
	return map[string]any{
		"uptime_seconds":      int64(up),
		"requests_total":      s.requests.Load(),
		"requests_per_second": float64(s.requests.Load()) / max(up, 1),
		"client_errors_total": s.errors4.Load(),
		"server_errors_total": s.errors5.Load(),
		"rate_limited_total":  s.rateLimited(),
		"kv": map[string]uint64{"gets": km.Gets, "sets": km.Sets, "deletes": km.Deletes, "lists": km.Lists,
			"expired": km.Expired, "write_retries": km.Conflicts},
		"transactions": map[string]any{"commits": mm.Commits, "read_only_commits": mm.ReadOnlyCommits,
			"aborts": mm.Aborts.Total(), "conflicts": mm.Aborts.WriteWrite + mm.Aborts.ReadWrite,
			"active": mm.ActiveTxns, "gc_versions_collected": mm.VersionsCollected},
	}
}

func (s *Server) adminStats(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	writeJSON(w, http.StatusOK, s.stats())
	return nil
}

func (s *Server) metricsJSON(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	out := s.stats()
	out["node"] = s.nodeInfo()
	out["sessions_active"] = s.sessions.active()
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) adminDashboard(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	keys, err := s.kv.Count(nil)
	if err != nil {
		return err
	}
	alerts := s.alerts()
	writeJSON(w, http.StatusOK, map[string]any{
		"cluster": map[string]any{"name": "aegis", "status": "healthy", "nodes": 1, "healthy_nodes": 1, "leader": nodeID},
		"storage": map[string]any{"backend": s.cfg.Storage.Backend, "bytes_on_disk": s.storageBytes(), "kv_keys": keys},
		"users":   s.users.count(), "sessions_active": s.sessions.active(),
		"stats": s.stats(), "alerts_active": len(alerts), "version": Version,
	})
	return nil
}

// Alert is a condition the server sees now; alerts are computed on each
// call from the live figures, not stored.
type Alert struct {
	ID       string `json:"id"`
	Severity string `json:"severity"` // info, warning, critical
	Message  string `json:"message"`
}

func (s *Server) alerts() []Alert {
	out := []Alert{}
	if s.cfg.Storage.Backend == "memory" {
		out = append(out, Alert{"storage-not-persistent", "warning", "the memory backend keeps nothing across a restart"})
	}
	if !s.cfg.Storage.SyncOnCommit {
		out = append(out, Alert{"sync-off", "info", "sync_on_commit is off: a crash may lose the latest commits"})
	}
	if free, total, ok := diskSpace(s.dataDir); ok && total > 0 && free*10 < total {
		out = append(out, Alert{"disk-low", "critical", fmt.Sprintf("%d of %d bytes free on the data directory's disk", free, total)})
	}
	if n := s.errors5.Load(); n > 0 {
		out = append(out, Alert{"server-errors", "warning", fmt.Sprintf("%d requests failed with a server error since start", n)})
	}
	if m := s.db.Metrics(); m.GCErrors > 0 {
		out = append(out, Alert{"gc-errors", "warning", fmt.Sprintf("%d MVCC garbage collection passes failed", m.GCErrors)})
	}
	if m := s.kv.Metrics(); m.SweepErrors > 0 {
		out = append(out, Alert{"kv-sweep-errors", "warning", fmt.Sprintf("%d KV expiry sweeps failed", m.SweepErrors)})
	}
	if n := s.rateLimited(); n > 0 {
		out = append(out, Alert{"rate-limited", "info", fmt.Sprintf("%d requests refused by rate limits since start", n)})
	}
	return out
}

func (s *Server) adminAlerts(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	a := s.alerts()
	writeJSON(w, http.StatusOK, map[string]any{"alerts": a, "count": len(a)})
	return nil
}

// queryLimit parses ?limit= (default def, 1..max).
func queryLimit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("limit %q: want an integer from 1 to %d", v, max)
	}
	return n, nil
}

func (s *Server) adminActivities(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	limit, err := queryLimit(r, 50, activityRing)
	if err != nil {
		return err
	}
	typ := r.URL.Query().Get("type")
	if typ != "" && !slices.Contains(activityTypes, typ) {
		return badRequest("type %q: allowed types are %s (queries arrive with the SQL engine)", typ, strings.Join(activityTypes, ", "))
	}
	a := s.activities.recent(limit, typ)
	writeJSON(w, http.StatusOK, map[string]any{"activities": a, "count": len(a)})
	return nil
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	limit, err := queryLimit(r, 100, 10000)
	if err != nil {
		return err
	}
	a, err := s.activities.audit(limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": a, "count": len(a)})
	return nil
}
