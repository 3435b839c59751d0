// Command aegis is AegisDB's single binary: the server (serve, and
// start/stop/restart/logs in the background) and the client of the REST
// API (login, status, metrics, cluster, kv, user create, query, tables,
// shell).
//
// Uses: server, server/config, engine/backends, github.com/peterh/liner
// (the shell's line editing). Used by: people, scripts, and its own kill -9
// test.
//
//	aegis serve [--port 9090] [--backend lsm] [--data-dir D] [-c aegis.toml] [--set k=v]
//	aegis start|stop|restart|logs [same flags]   pid and log: <data_directory>/aegis.{pid,log}
//	aegis [-s URL | -d DB] [--token T] kv set greeting '"Hello"'
//
// serve loads the configuration (file, AEGIS_* variables, flags; a bad
// key or value stops it with a one-line message naming the key), logs how
// the backend was chosen, listens, and on SIGINT or SIGTERM drains
// requests, flushes and closes storage before exiting 0. start runs serve
// detached (new session) and returns once its log says it listens.
//
// Exit status: 0 on success, 1 with a one-line "aegis: ..." error when the
// command fails, 2 for a usage error.
//
// # Tests
//
// TestClientCommands, TestQueryAndTablesCommands and TestShellFromStdin
// drive every client command against a real server on a loopback port;
// TestSQLCommandsOfTheBinary runs the built binary's shell through a pipe. TestKill9 builds this binary into a temporary
// directory and, on every persistent backend in engine.Backends(), writes
// through the API with sync_on_commit from four clients, kills the server
// with SIGKILL at a random moment, restarts it on the same data directory
// and checks every acknowledged set, overwrite and delete, and a user
// created before a crash; the last run ends with SIGINT and must exit 0.
// 5 kills per backend by default, 25 with AEGIS_LONG=1; the seed is logged
// (AEGIS_SEED=<n> replays it). With only the memory backend linked in it
// skips and says why. TestKill9Streams does the same for published
// events: two publishers, SIGKILL, restart, and every acknowledged event
// must be in the channel's history at its offset with its data, with no
// hole in the offsets (2 kills per backend, 10 with AEGIS_LONG=1).
//
// # Simplifications
//
//   - No backup/import/export, no progress bars.
//   - The shell sends each statement as its own request (a BEGIN ... COMMIT
//     block typed over lines is gathered and sent as one); it finds the end
//     of a statement by a ';' at the end of a line, so a string literal
//     ending a line with ';' ends the statement early.
//   - status is the server's health over HTTP; it does not read the pid
//     file of a background server.
//   - login does not prompt for an MFA code: a user with MFA logs in
//     through the API (POST /api/v1/auth/mfa/verify).
//   - The token is not stored on disk: pass --token or AEGIS_TOKEN, or let
//     the client log in with AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD.
//   - logs prints the last lines; it does not follow the file.
package main
