// Command interlogd serves the interlog gRPC API.
//
//	interlogd [serve] [flags]   serve (the default command)
//	interlogd migrate [flags]   apply database migrations and exit
//	interlogd token --principal NAME --role ROLE
//	                            print a new bearer token and its token-file line
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
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "interlogd:", err)
		os.Exit(1)
	}
}

// run dispatches to a subcommand; serve is the default.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "migrate" || args[0] == "token") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "token" {
		return printToken(args, stdout, stderr)
	}
	cfg, err := parseConfig(cmd, args, stderr, os.LookupEnv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	store.LogDriverTo(log) // so that every line on stderr is JSON
	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, log)
	default:
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		return serve(ctx, cfg, log)
	}
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
	warnOfExposure(cfg, log)
	certs, err := loadTLSFiles(cfg)
	if err != nil {
		return err
	}
	tokens, err := loadTokens(cfg)
	if err != nil {
		return err
	}
	reloadOnSIGHUP(ctx, reloaders(tokens, certs, log), log)
	traces, err := startTracing(ctx, log)
	if err != nil {
		return err
	}
	defer flushTracing(traces, log)
	st, err := openStore(ctx, cfg, store.Options{MaxOpenConns: cfg.dbMaxOpenConns, FeedReadConns: cfg.dbFeedConns, TracerProvider: traces.Provider, DisableChangeFeed: !cfg.changeFeed})
	if err != nil {
		return err
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := server.New(st, server.Options{
		Logger: log, Tokens: tokens, Metrics: reg, HealthInterval: cfg.healthInterval, ServerOptions: grpcOptions(cfg, certs),
		MaxAttachmentBytes: cfg.maxAttachmentBytes, MaxConcurrentUploads: cfg.maxConcurrentUploads, UploadIdleTimeout: cfg.uploadIdleTimeout,
		TracerProvider: traces.Provider, Propagator: traces.Propagator,
		MaxWatchers: cfg.maxWatchers, ChangeHeartbeat: cfg.changeHeartbeat, ChangeRetention: cfg.changeRetention,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	stopMetrics, err := serveMetrics(cfg.metricsListen, reg, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	stopHTTP, err := serveHTTP(cfg, srv, certs, log)
	if err != nil {
		return err
	}
	defer stopHTTP()
	lis, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	log.Info("interlogd serving", append([]any{"address", lis.Addr().String(), "dialect", st.Dialect()}, cfg.logAttrs()...)...)
	return serveGRPC(ctx, srv, lis, cfg.shutdownTimeout, log)
}

// openStore opens the database and makes sure its schema is current.
func openStore(ctx context.Context, cfg config, opts store.Options) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.database, opts)
	if err != nil {
		return nil, err
	}
	if cfg.migrate || st.Dialect() == store.SQLite {
		err = st.Migrate(ctx)
	}
	if err == nil {
		err = st.CheckSchema(ctx)
	}
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// serveGRPC serves until ctx ends, then lets in-flight calls finish for up
// to timeout before cancelling them.
func serveGRPC(ctx context.Context, srv *server.Server, lis net.Listener, timeout time.Duration, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.GRPC.Serve(lis) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight calls", "timeout", timeout.String())
	srv.Close()
	done := make(chan struct{})
	go func() { srv.GRPC.GracefulStop(); close(done) }()
	select {
	case <-done:
		log.Info("shut down")
	case <-time.After(timeout):
		log.Warn("shutdown timeout passed: cancelling remaining calls")
		srv.GRPC.Stop()
	}
	return nil
}

// serveMetrics serves reg at /metrics on addr, if addr is set, and returns
// the function that stops it.
func serveMetrics(addr string, reg *prometheus.Registry, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "error", err.Error())
		}
	}()
	log.Info("metrics serving", "address", "http://"+lis.Addr().String()+"/metrics")
	return func() { _ = hs.Close() }, nil
}

// loadTokens reads the token file, if one is configured.
func loadTokens(cfg config) (*server.TokenFile, error) {
	if cfg.tokenFile == "" {
		return nil, nil
	}
	return server.LoadTokenFile(cfg.tokenFile)
}

// reloaders are what a SIGHUP rereads: the token file and the TLS files,
// those that are configured.
func reloaders(tokens *server.TokenFile, certs *tlsFiles, log *slog.Logger) []func() {
	var reload []func()
	if tokens != nil {
		reload = append(reload, func() { reloadTokens(tokens, log) })
	}
	if certs != nil {
		reload = append(reload, func() { certs.reloadAndLog(log) })
	}
	return reload
}

// reloadOnSIGHUP calls every reload on each SIGHUP until ctx ends. With
// nothing to reload, SIGHUP is logged and otherwise ignored: a reload sent by
// habit (systemctl reload, a rotation script) must not stop the server.
func reloadOnSIGHUP(ctx context.Context, reload []func(), log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if len(reload) == 0 {
					log.Info("SIGHUP: nothing to reload (no token file, no TLS files)")
				}
				for _, r := range reload {
					r()
				}
			}
		}
	}()
}

// reloadTokens rereads the token file. A file that fails to reload leaves
// the tokens loaded before in force.
func reloadTokens(tokens *server.TokenFile, log *slog.Logger) {
	if err := tokens.Reload(); err != nil {
		log.Error("token file not reloaded; the tokens loaded before stay in force", "error", err.Error())
		return
	}
	n, c := tokens.Counts()
	log.Info("token file reloaded", "path", tokens.Path(), "tokens", n, "certificates", c)
}

// checkListenSafety refuses a non-loopback address without authentication
// unless --insecure is given (SPEC §5: safe by default).
// The --http-listen address, which serves the same calls, is held to the same rule.
func checkListenSafety(cfg config) error {
	if err := checkAddressSafety(cfg, "listen", cfg.listen); err != nil || cfg.httpListen == "" {
		return err
	}
	return checkAddressSafety(cfg, "http-listen", cfg.httpListen)
}

func checkAddressSafety(cfg config, flagName, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-%s %q: %v", flagName, addr, err)
	}
	if isLoopback(host) || cfg.insecure || cfg.authenticates() {
		return nil
	}
	return errors.New("refusing to listen on " + addr + " without authentication: configure a token file (--token-file) or client certificates (--tls-client-ca), listen on 127.0.0.1, or pass --insecure")
}

// warnOfExposure logs a warning for each thing the configuration shows to
// the network unprotected: bearer tokens sent in plaintext, an API without
// authentication (--insecure), the metrics listener.
func warnOfExposure(cfg config, log *slog.Logger) {
	public := !isLoopbackAddress(cfg.listen)
	if public && cfg.tokenFile != "" && cfg.tlsCert == "" {
		log.Warn("bearer tokens are accepted over plaintext on a non-loopback address: whoever can see the traffic can take them; configure --tls-cert and --tls-key",
			"listen", cfg.listen)
	}
	if public && cfg.insecure && !cfg.authenticates() {
		log.Warn("--insecure: the API is served without authentication on a non-loopback address, so whoever can reach it has the admin role",
			"listen", cfg.listen)
	}
	if cfg.metricsListen != "" && !isLoopbackAddress(cfg.metricsListen) {
		log.Warn("the metrics listener is not on loopback and has no authentication: whoever can reach it reads the metrics",
			"metrics_listen", cfg.metricsListen)
	}
}

// isLoopbackAddress reports whether a host:port address is on loopback only.
func isLoopbackAddress(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopback(host)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
