// Package config loads the server's configuration: aegis.toml, then AEGIS_*
// environment variables, then command-line flags, each overriding the one
// before, then checks every value.
//
// Uses: engine (the registered backend names), compress (codec names),
// github.com/BurntSushi/toml. Used by: server, cmd/aegis.
//
//	[server]      host, port (9090), max_connections, request_timeout, worker_threads
//	[server.tls]  enabled, cert_file, key_file
//	[storage]     backend (memory|btree|lsm, whatever is registered), data_directory,
//	              compression (none|snappy|lz4|zstd), buffer_pool_size, wal_enabled,
//	              sync_on_commit
//	[auth]        method (local), session_timeout, mfa_required
//	[rbac]        enabled, default_role (admin|operator|analyst|viewer)
//	[rate_limit]  enabled, login_per_minute (30), requests_per_minute (1000)
//	[kv]          max_key_size (1KB), max_value_size (1MB)
//
// Every key section.key has the variable AEGIS_SECTION_KEY (dots become
// underscores: server.tls.cert_file is AEGIS_SERVER_TLS_CERT_FILE), plus the
// user guide's AEGIS_TLS_CERT, AEGIS_TLS_KEY and AEGIS_TLS. Flags: -c/--config,
// --host, --port, --backend, --data-dir, --compression, --sync-on-commit,
// --tls, --tls-cert, --tls-key, and --set section.key=value for any key.
// Sizes are integers or "64MB"/"1GB" (powers of 1024); durations are Go
// durations or "7d".
//
// Invariant: Load either returns a configuration in which every value is
// valid, or an error that names the key, where it was set (file, variable
// or flag), and what is allowed. The file is decoded strictly: a key no
// section has stops start-up (wrapped ErrUnknownKey), as does an
// AEGIS_<SECTION>_* variable of a known section that matches no key.
//
// When no backend is configured, Resolve picks the first persistent
// backend registered in engine.Backends() (anything but "memory"), or
// "memory" while none is linked in, and records why in BackendNote for
// the start-up log line.
//
// # Simplifications
//
//   - The user guide's [auth.ldap], [auth.oauth2], [storage.retention],
//     [cluster], [replication] and [sharding] sections are not accepted: the
//     features behind them are not built, so naming them stops start-up
//     rather than being silently ignored. auth.method allows only "local".
//   - Only one file is read (the first found of ./aegis.toml,
//     ~/.aegis/config.toml, /etc/aegis/aegis.toml), not a merge of all three.
//   - ${VAR} references inside the file are not expanded.
package config
