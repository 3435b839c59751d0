// Package btreebench compares the btree backend with go.etcd.io/bbolt on
// the same workloads in one run: 16-byte keys, 100-byte values, 1,000,000
// keys loaded in sequential and random order in batches of 1000, random
// point reads, a full scan and 2,000 single synced puts, plus the files'
// size after the fill.
//
//	cd bench && go test -run '^$' -bench Compare -benchtime 1x -timeout 90m ./btreebench
//
// AEGIS_BENCH_KEYS=n changes the key count. Each sub-benchmark does a
// fixed amount of work (run it with -benchtime 1x) on both engines and
// reports btree-ops/s, bbolt-ops/s (keys/s for scans) and ratio =
// btree ÷ bbolt, and for fills the bytes on disk after the fill and a
// final sync. The engines take turns in slices (100,000 puts or gets, 200
// synced puts, one scan), each going first every other slice, so a burst
// of load from other processes on a shared machine falls on both rather
// than on whichever engine happened to run then. Keys and values are made
// outside the timing. BenchmarkReadRandom times point reads alone, for
// profiling.
//
// Both stores run on the OS file system in a temporary directory. Batched
// fills are not synced per batch (bbolt with NoSync, btree without
// WriteOptions.Sync); each fill ends with one durable sync (bbolt Sync,
// btree Flush, a checkpoint) inside the timing. The btree gets a 1 GiB
// buffer pool, so the tree stays in memory as bbolt's mmap does, and
// checkpoints every 1 GiB of log.
package btreebench
