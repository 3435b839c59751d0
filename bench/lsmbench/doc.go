// Command lsmbench compares the aegis "lsm" backend with pebble v2,
// badger v4 and goleveldb on the same workloads, each engine in a process
// of its own so that peak RSS is per engine:
//
//	cd bench && go run ./lsmbench -n 1000000 -dir /tmp/lsmbench
//
// prints a Markdown table. Workloads, 16-byte keys and 100-byte random
// values, n keys:
//
//	fillseq       ascending keys, batches of 1000, unsynced, fresh store
//	fillrandom    n keys in random order, one put per write, unsynced, fresh store
//	readrandom    n gets of present keys in random order (on the fillrandom store)
//	scan          one full forward scan of that store
//	syncput       2,000 single puts, each synced
//	size          bytes under the store's directory after Close
//	peak RSS      getrusage maxrss of the engine's process
//
// Every engine runs with its default options, except that the WAL
// (value log, for badger) is on and syncs happen only when asked.
//
// On a shared machine the load moves within minutes, so
//
//	lsmbench -rounds 3
//
// runs the engines one after another three times (each round in the
// same order) and reports each figure's median; every round's figures go
// to stderr, with aegis's stalls, write amplification, tables probed per
// Get and cache hit ratio. -phases runs a subset (fillrandom always runs:
// the later phases use its store), -engines a subset of engines, and
// with -engine, -cpuprofile writes one CPU profile per phase.
package main
