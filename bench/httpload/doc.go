// Command httpload measures AegisDB's REST API under load: requests per
// second and p50/p99 latency of KV get, KV set and a SELECT by primary key
// (POST /api/v1/query with $1), each with a chosen number of concurrent
// clients, against a running server.
//
// Uses: net/http only (it is a client of the server's wire API). Used by:
// people recording docs/benchmarks.md.
//
//	aegis serve --backend lsm --set rate_limit.enabled=false &
//	go run ./httpload -url http://127.0.0.1:9090 -user root -password P \
//	    -workloads kv-get,kv-set,sql-pk -clients 1,32 -duration 10s
//
// Each client is one goroutine with its own keep-alive connection, sending
// its next request when the last one is answered (closed loop, like
// redis-benchmark -c and pgbench -c). Before measuring, it loads -keys
// keys (kv-get, kv-set) or -rows rows into bench_accounts (sql-pk; the
// shape of pgbench's accounts table and its -S query
// "SELECT abalance FROM bench_accounts WHERE aid = $1"; -analyze runs
// ANALYZE after the load), then warms up for
// -warmup. Every request's latency is kept; p50 and p99 are exact ranks.
// A reply other than 200 counts as an error and is reported.
//
// Simplifications: the client runs on the same machine as the server and
// shares its cores; latencies include Go's HTTP client.
package main
