// Package vfs is the file-system interface every persistent component uses.
//
// Uses: nothing. Used by: wal, buffer, btree, lsm and the engine tests.
//
// Default is the operating system's file system. Tests use a file system
// that keeps files in memory and can simulate a crash, so durability is
// tested rather than assumed.
//
// The contract mirrors POSIX: a file's bytes are durable once File.Sync
// returns, and a file's existence (create, remove, rename) once SyncDir on
// its directory returns. WriteFileAtomic builds the usual
// write-temp/sync/rename/sync-dir sequence on top.
//
// # MemFS
//
// MemFS (NewMem) keeps everything in memory and tracks, for every inode,
// what is durable:
//
//	directory inode                    file inode
//	  entries        name -> inode       data     bytes now
//	  durableEntries name -> inode       synced   bytes at the last Sync
//	    (as of the last SyncDir)         pending  [write off,bytes | truncate size]...
//
// File.Sync folds pending into synced; SyncDir copies entries to
// durableEntries. CrashClone builds a new MemFS from the durable view: it
// walks durableEntries from the root and gives each file its synced bytes
// plus the pending changes its CrashMode lets through (none; a prefix with
// the last write torn; or a random subset, each possibly torn). The original
// is left as it was, so goroutines of the "crashed" process may go on
// writing into it while the test reopens the store on the clone.
//
// A typical crash test:
//
//	mem := vfs.NewMem()
//	db := open(mem)
//	... write, some with sync ...
//	after := mem.CrashClone(vfs.CrashOptions{Mode: vfs.CrashTornTail, Rand: r})
//	db2 := open(after) // every synced write must be there, nothing half-there
//
// Simplifications of MemFS:
//   - Directories are durable as soon as MkdirAll makes them; only entries
//     created, removed or renamed inside a directory wait for SyncDir.
//     Removing or renaming a directory does wait for SyncDir on its parent.
//   - A rename is durable only once SyncDir has run on the directory that
//     gains the name and on the one that loses it. If only the new parent is
//     synced, the inode survives a crash under both names, like a hard link.
//     A directory, though, keeps only the first name that a depth-first walk
//     from the root in sorted order reaches, so the clone stays a tree.
//   - A truncation is never torn; it survives a crash whole or not at all.
//   - File modes, owners, timestamps across crashes and hard links made on
//     purpose are not modelled; SyncDir on a file is an error, not an fsync.
//   - Unsynced changes are kept as copies until Sync, so a file written much
//     and never synced costs about twice its size in memory.
//   - Lock is a per-MemFS table, not a lock between processes.
//
// Names are cleaned with path/filepath and taken from the root, so "a/b"
// and "/a/b" are one file.
//
// # FaultFS
//
// FaultFS (NewFaultFS) wraps any FS, MemFS or the OS, and fails the calls
// its rules pick, returning ErrInjected (or the rule's Err) wrapped in an
// *fs.PathError or *os.LinkError. A rule watches a set of operations (Op
// flags) on base names matching a pattern, and fires on its Nth matching
// call, on every call after the AfterNth, or with a probability drawn from
// the FaultFS seed. A failed call does not reach the inner FS, except that a
// PartialWrite rule passes a strict prefix of the bytes on first: a short
// write. The usual test fails the Nth operation for N = 1, 2, ... until the
// run succeeds, crashing the MemFS under it after each failure:
//
//	for n := 1; ; n++ {
//		mem := vfs.NewMem()
//		ffs := vfs.NewFaultFS(mem, uint64(n))
//		ffs.AddRule(vfs.Rule{Ops: vfs.OpAll, Nth: n})
//		err := run(ffs)
//		check(mem.CrashClone(vfs.CrashOptions{Mode: vfs.CrashDropUnsynced}))
//		if err == nil {
//			break
//		}
//	}
//
// FaultFS's own simplifications: List, Stat, File.Size and File.Close are
// never failed; a failed Sync simply leaves the data unsynced (it does not
// model a kernel that drops dirty pages after a failed fsync); concurrent
// calls are deterministic only as far as their order is.
//
// # Tests
//
// The behaviour tests run the same cases against Default (in a temporary
// directory) and MemFS. The crash tests are randomized with a seed that is
// logged; AEGIS_SEED=n replays one and AEGIS_CRASH_ITERATIONS=n runs n
// rounds instead of the default few hundred.
package vfs
