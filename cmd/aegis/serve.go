package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aegisdb/aegis/server"
	"github.com/aegisdb/aegis/server/config"
)

// serve runs the server in the foreground until SIGINT or SIGTERM, then
// shuts down: in-flight requests finish, storage is flushed and closed.
func serve(args []string, stderr io.Writer) error {
	cfg, err := config.Load(config.Sources{Env: os.Environ(), Args: args})
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if cfg.Server.WorkerThreads > 0 {
		runtime.GOMAXPROCS(cfg.Server.WorkerThreads)
	}
	if cfg.File != "" {
		log.Info("config file", "path", cfg.File)
	}
	if cfg.BackendNote != "" {
		log.Warn(cfg.BackendNote)
	}
	log.Info("opening storage", "backend", cfg.Storage.Backend, "data_directory", cfg.Storage.DataDirectory,
		"sync_on_commit", cfg.Storage.SyncOnCommit, "compression", cfg.Storage.Compression)
	srv, err := server.New(cfg, server.Options{Logger: log})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen on %s: %w", cfg.Addr(), err)
	}
	scheme := "http"
	if cfg.Server.TLS.Enabled {
		scheme = "https"
	}
	log.Info("listening", "addr", l.Addr().String(), "url", scheme+"://"+l.Addr().String())

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		srv.Close()
		return fmt.Errorf("serving: %w", err)
	case sig := <-sigs:
		log.Info("shutting down", "signal", sig.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped: storage synced and closed")
	return nil
}

// files of the background server, in the data directory.
func runFiles(args []string) (pidFile, logFile string, err error) {
	cfg, err := config.Load(config.Sources{Env: os.Environ(), Args: args})
	if err != nil {
		return "", "", err
	}
	dir := cfg.Storage.DataDirectory
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", "", fmt.Errorf("data directory: %w", err)
	}
	return filepath.Join(dir, "aegis.pid"), filepath.Join(dir, "aegis.log"), nil
}

var errNotRunning = errors.New("no background server is running")

// runningPid returns the pid in pidFile if that process is alive.
func runningPid(pidFile string) (int, bool) {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, syscall.Kill(pid, 0) == nil
}

// startBackground runs 'aegis serve ARGS' detached, logging to the data
// directory, and waits until it listens.
func startBackground(args []string, _ *client, stdout io.Writer) error {
	pidFile, logFile, err := runFiles(args)
	if err != nil {
		return err
	}
	if pid, ok := runningPid(pidFile); ok {
		return fmt.Errorf("already running (pid %d, %s)", pid, pidFile)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	lf, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	defer lf.Close()
	offset, _ := lf.Seek(0, io.SeekEnd)
	cmd := exec.Command(exe, append([]string{"serve"}, args...)...)
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o640); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if addr := findListening(logFile, offset); addr != "" {
			fmt.Fprintf(stdout, "started: pid %d, listening on %s, log %s\n", cmd.Process.Pid, addr, logFile)
			return nil
		}
		select {
		case err := <-exited:
			os.Remove(pidFile)
			return fmt.Errorf("the server exited at start (%v): %s", err, lastLine(logFile, offset))
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("the server did not start listening within 30s; see %s", logFile)
}

// findListening returns the addr of the first "listening" log line after offset.
func findListening(logFile string, offset int64) string {
	f, err := os.Open(logFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "msg=listening") {
			for _, field := range strings.Fields(line) {
				if a, ok := strings.CutPrefix(field, "addr="); ok {
					return a
				}
			}
		}
	}
	return ""
}

func lastLine(logFile string, offset int64) string {
	data, err := os.ReadFile(logFile)
	if err != nil || int64(len(data)) < offset {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data[offset:])), "\n")
	return lines[len(lines)-1]
}

// stopBackground sends SIGTERM to the background server and waits for it
// to finish its clean shutdown.
func stopBackground(args []string, stdout io.Writer) error {
	pidFile, _, err := runFiles(args)
	if err != nil {
		return err
	}
	pid, ok := runningPid(pidFile)
	if !ok {
		os.Remove(pidFile)
		return errNotRunning
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("signalling pid %d: %w", pid, err)
	}
	deadline := time.Now().Add(40 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d did not stop within 40s", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	os.Remove(pidFile)
	fmt.Fprintf(stdout, "stopped (pid %d)\n", pid)
	return nil
}

func logs(args []string, stdout io.Writer) error {
	n := 100
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-n" && i+1 < len(args) {
			v, err := strconv.Atoi(args[i+1])
			if err != nil || v < 1 {
				return fmt.Errorf("%w: -n %q: want a positive number", errUsage, args[i+1])
			}
			n = v
			i++
			continue
		}
		rest = append(rest, args[i])
	}
	_, logFile, err := runFiles(rest)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		return fmt.Errorf("no log yet: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	return nil
}
