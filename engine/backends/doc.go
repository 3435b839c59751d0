// Package backends links every built-in storage backend into the binary.
//
// Uses: engine/memory, btree, lsm. Used by: cmd/aegis, server, tests that
// run on every backend.
//
// Each backend registers itself with engine.Register from its init
// function, so adding a backend is one package plus one import line in
// backends.go. Open a backend with engine.Open(name, opts) after importing
// this package.
package backends
