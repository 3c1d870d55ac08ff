// Command interlogd serves the interlog gRPC API.
//
//	interlogd [serve] [flags]   serve (the default command)
//	interlogd migrate [flags]   apply database migrations and exit
//
// Every flag can also be set with an INTERLOG_* environment variable; run
// `interlogd serve -h` for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "interlogd:", err)
		os.Exit(1)
	}
}

// run dispatches to a subcommand; serve is the default.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "migrate") {
		cmd, args = args[0], args[1:]
	}
	cfg, err := parseConfig(cmd, args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, log)
	default:
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		return serve(ctx, cfg, log)
	}
}

// config is the effective configuration of one run.
type config struct {
	listen          string
	database        string
	migrate         bool
	insecure        bool
	shutdownTimeout time.Duration
	logLevel        slog.Level
}

// parseConfig reads flags, with INTERLOG_* environment variables as defaults.
func parseConfig(cmd string, args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("interlogd "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.database, "database", env("INTERLOG_DATABASE", store.DefaultURL),
		"database URL: sqlite:///path/file.db or mysql://user:pass@host:3306/db (INTERLOG_DATABASE)")
	if cmd == "serve" {
		fs.StringVar(&cfg.listen, "listen", env("INTERLOG_LISTEN", "127.0.0.1:50051"), "gRPC listen address (INTERLOG_LISTEN)")
		fs.BoolVar(&cfg.migrate, "migrate", envBool("INTERLOG_MIGRATE"), "apply pending migrations before serving; SQLite always does (INTERLOG_MIGRATE)")
		fs.BoolVar(&cfg.insecure, "insecure", envBool("INTERLOG_INSECURE"), "allow listening on a non-loopback address without authentication (INTERLOG_INSECURE)")
		fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", envDuration("INTERLOG_SHUTDOWN_TIMEOUT", 30*time.Second),
			"how long in-flight calls may run after SIGTERM (INTERLOG_SHUTDOWN_TIMEOUT)")
	}
	level := fs.String("log-level", env("INTERLOG_LOG_LEVEL", "info"), "debug, info, warn or error (INTERLOG_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, fmt.Errorf("-log-level: %v", err)
	}
	return cfg, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string) bool {
	v := os.Getenv(key)
	return v == "1" || v == "true"
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

func migrate(ctx context.Context, cfg config, log *slog.Logger) error {
	st, err := store.Open(ctx, cfg.database, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	log.Info("database migrated", "database", store.RedactURL(cfg.database))
	return nil
}

// serve runs the gRPC server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	if err := checkListenSafety(cfg); err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.database, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.migrate || st.Dialect() == store.SQLite {
		if err := st.Migrate(ctx); err != nil {
			return err
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	srv, err := server.New(st, server.Options{Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	lis, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	log.Info("interlogd serving", "listen", lis.Addr().String(), "database", store.RedactURL(cfg.database),
		"dialect", st.Dialect(), "insecure", cfg.insecure, "shutdown_timeout", cfg.shutdownTimeout.String())
	served := make(chan error, 1)
	go func() { served <- srv.GRPC.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight calls", "timeout", cfg.shutdownTimeout.String())
	srv.Close()
	done := make(chan struct{})
	go func() { srv.GRPC.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(cfg.shutdownTimeout):
		log.Warn("shutdown timeout passed: cancelling remaining calls")
		srv.GRPC.Stop()
	}
	return nil
}

// checkListenSafety refuses a non-loopback address without authentication
// unless --insecure is given (SPEC §5: safe by default).
func checkListenSafety(cfg config) error {
	host, _, err := net.SplitHostPort(cfg.listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %v", cfg.listen, err)
	}
	if isLoopback(host) || cfg.insecure {
		return nil
	}
	return errors.New("refusing to listen on " + cfg.listen + " without authentication: configure a token file, listen on 127.0.0.1, or pass --insecure")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
