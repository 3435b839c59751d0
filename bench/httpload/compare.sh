#!/bin/sh
# compare.sh: AegisDB over HTTP beside Redis (redis-benchmark GET/SET) and
# PostgreSQL (pgbench -S), all on this machine, one after the other.
# Needs: root, Debian packages redis-server and postgresql (15), Go.
# Usage: bench/httpload/compare.sh [seconds per case]   (from the repo root)
set -eu
T=${1:-10}
OUT=${OUT:-/tmp/aegis-compare}
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/aegis" ./cmd/aegis
(cd bench && go build -o "$OUT/httpload" ./httpload)
export AEGIS_ADMIN_USERNAME=root AEGIS_ADMIN_PASSWORD=bench-pass-1

for backend in memory lsm; do
	echo "## AegisDB backend=$backend (sync_on_commit=false, rate limits off)"
	"$OUT/aegis" serve --backend "$backend" --port 19090 --data-dir "$OUT/data-$backend" \
		--sync-on-commit false --set rate_limit.enabled=false >"$OUT/serve-$backend.log" 2>&1 &
	pid=$!
	sleep 2
	"$OUT/httpload" -url http://127.0.0.1:19090 -workloads kv-get,kv-set,sql-pk -clients 1,32 -duration "${T}s" -rows 100000 -keys 10000
	echo "## AegisDB backend=$backend, sql-pk after ANALYZE"
	"$OUT/httpload" -url http://127.0.0.1:19090 -workloads sql-pk -clients 1,32 -duration "${T}s" -rows 100000 -analyze
	kill -INT $pid && wait $pid || true
done

echo "## Redis $(redis-server --version | cut -d' ' -f3) (no persistence), redis-benchmark GET/SET, 10000 random keys"
redis-server --port 16379 --save '' --appendonly no --daemonize yes --logfile "$OUT/redis.log"
sleep 1
for c in 1 32; do
	n=$((c == 1 ? 100000 : 400000))
	echo "clients=$c"
	redis-benchmark -p 16379 -t set,get -c "$c" -n "$n" -r 10000 -d 16 --csv
done
redis-cli -p 16379 shutdown nosave || true

echo "## PostgreSQL, pgbench -S (scale 1: 100,000 accounts) over TCP 127.0.0.1"
pg_ctlcluster 15 main start || true
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'pg'\""
su postgres -c "dropdb --if-exists bench; createdb bench"
export PGPASSWORD=pg
pgbench -h 127.0.0.1 -U postgres -i -s 1 -q bench >"$OUT/pgbench-init.log" 2>&1
for c in 1 32; do
	j=$((c == 1 ? 1 : 2))
	rm -f "$OUT"/pglog*
	pgbench -h 127.0.0.1 -U postgres -S -c "$c" -j "$j" -T "$T" -l --log-prefix="$OUT/pglog" bench >"$OUT/pgbench-$c.txt" 2>&1
	tps=$(grep -E '^tps' "$OUT/pgbench-$c.txt" | head -1)
	# column 3 of the per-transaction log is the latency in microseconds
	cat "$OUT"/pglog* | awk '{print $3}' | sort -n >"$OUT/lat-$c"
	total=$(wc -l <"$OUT/lat-$c")
	p50=$(sed -n "$((total * 50 / 100 + 1))p" "$OUT/lat-$c")
	p99=$(sed -n "$((total * 99 / 100 + 1))p" "$OUT/lat-$c")
	echo "clients=$c transactions=$total $tps p50=${p50}us p99=${p99}us"
done
pg_ctlcluster 15 main stop || true
