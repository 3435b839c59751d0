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
package vfs
