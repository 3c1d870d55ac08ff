package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// config is the effective configuration of one run.
type config struct {
	database string
	logLevel slog.Level

	// serve only
	listen          string
	migrate         bool
	insecure        bool
	shutdownTimeout time.Duration
	tokenFile       string
	tlsCert         string
	tlsKey          string
	tlsClientCA     string
	metricsListen   string
	httpListen      string
	healthInterval  time.Duration
	dbMaxOpenConns  int
	dbFeedConns     int

	// limits of the gRPC server
	maxRecvMsgSize       int
	maxConcurrentStreams uint
	keepaliveMinTime     time.Duration
	keepaliveTime        time.Duration
	keepaliveTimeout     time.Duration
	// maxAttachmentBytes limits the size of an uploaded attachment.
	maxAttachmentBytes int64
	// maxConcurrentUploads and uploadIdleTimeout bound uploads across
	// connections and stop one whose client stops sending.
	maxConcurrentUploads int
	uploadIdleTimeout    time.Duration

	// the change feed
	changeFeed      bool
	changeRetention time.Duration
	changeHeartbeat time.Duration
	maxWatchers     int
}

// envPrefix starts the environment variable of every flag: --token-file is
// INTERLOG_TOKEN_FILE.
const envPrefix = "INTERLOG_"

// envName is the environment variable that sets a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads flags; INTERLOG_* environment variables set the
// defaults that flags override.
func parseConfig(cmd string, args []string, stderr io.Writer, getenv func(string) (string, bool)) (config, error) {
	fs := flag.NewFlagSet("interlogd "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	defineFlags(fs, cmd, &cfg)
	if err := applyEnv(fs, getenv); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		// Not quoted back: an unquoted --database URL whose password holds a
		// space leaves the rest of the password here.
		return cfg, fmt.Errorf("%d unexpected arguments after the flags: interlogd %s takes flags only (quote a value that holds spaces)", fs.NArg(), cmd)
	}
	if cmd == "serve" && (cfg.maxRecvMsgSize <= 0 || cfg.maxConcurrentStreams == 0 || cfg.dbMaxOpenConns <= 0 || cfg.maxAttachmentBytes <= 0 ||
		cfg.maxConcurrentUploads <= 0 || cfg.uploadIdleTimeout <= 0) {
		return cfg, errors.New("--max-recv-msg-size, --max-concurrent-streams, --db-max-open-conns, --max-attachment-bytes, --max-concurrent-uploads and --upload-idle-timeout must be positive")
	}
	if cmd == "serve" && (cfg.changeRetention <= 0 || cfg.changeHeartbeat <= 0 || cfg.maxWatchers <= 0 || cfg.dbFeedConns <= 0) {
		return cfg, errors.New("--change-retention, --change-heartbeat, --max-watchers and --db-feed-conns must be positive")
	}
	return cfg, nil
}

// defineFlags declares the flags of cmd (serve or migrate) into cfg.
func defineFlags(fs *flag.FlagSet, cmd string, cfg *config) {
	fs.StringVar(&cfg.database, "database", store.DefaultURL, "database URL: sqlite:///path/file.db or mysql://user:pass@host:3306/db")
	fs.TextVar(&cfg.logLevel, "log-level", slog.LevelInfo, "debug, info, warn or error")
	if cmd != "serve" {
		return
	}
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:50051", "gRPC listen address")
	fs.BoolVar(&cfg.migrate, "migrate", false, "apply pending migrations before serving; SQLite always does")
	fs.BoolVar(&cfg.insecure, "insecure", false, "allow listening on a non-loopback address without authentication")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight calls may run after SIGTERM")
	fs.StringVar(&cfg.tokenFile, "token-file", "", "bearer token file (see README); empty: no authentication. Reloaded on SIGHUP")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate (chain) of the server; with --tls-key enables TLS. Reloaded on SIGHUP")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key of --tls-cert. Reloaded on SIGHUP")
	fs.StringVar(&cfg.tlsClientCA, "tls-client-ca", "", "PEM CA certificates that sign client certificates (mTLS); required of every client when there is no token file. Reloaded on SIGHUP")
	fs.StringVar(&cfg.httpListen, "http-listen", "", "address serving the same services over Connect, gRPC-Web and JSON (HTTP/1.1 and HTTP/2), e.g. 127.0.0.1:8080; empty: off")
	fs.StringVar(&cfg.metricsListen, "metrics-listen", "", "address of the Prometheus /metrics HTTP listener, e.g. 127.0.0.1:9464; empty: off")
	fs.DurationVar(&cfg.healthInterval, "health-interval", 2*time.Second, "how often the database is pinged for the health service")
	fs.IntVar(&cfg.dbMaxOpenConns, "db-max-open-conns", 32, "MySQL connection pool size (SQLite uses one connection for the calls; the feed's reads and its sequencer have their own)")
	fs.IntVar(&cfg.maxRecvMsgSize, "max-recv-msg-size", 4<<20, "largest request message in bytes (attachments stream 1 MiB chunks)")
	fs.UintVar(&cfg.maxConcurrentStreams, "max-concurrent-streams", 100, "concurrent calls per client connection")
	fs.DurationVar(&cfg.keepaliveMinTime, "keepalive-min-time", 10*time.Second, "clients pinging more often than this are disconnected")
	fs.DurationVar(&cfg.keepaliveTime, "keepalive-time", 2*time.Minute, "ping a client after this long without activity")
	fs.DurationVar(&cfg.keepaliveTimeout, "keepalive-timeout", 20*time.Second, "close the connection when a ping is not answered within this")
	fs.Int64Var(&cfg.maxAttachmentBytes, "max-attachment-bytes", server.DefaultMaxAttachmentBytes, "largest attachment an upload may store, in bytes")
	fs.IntVar(&cfg.maxConcurrentUploads, "max-concurrent-uploads", server.DefaultMaxConcurrentUploads, "uploads the server runs at once, over all connections; one more is RESOURCE_EXHAUSTED")
	fs.DurationVar(&cfg.uploadIdleTimeout, "upload-idle-timeout", server.DefaultUploadIdleTimeout, "an upload whose client sends nothing for this long is stopped (DEADLINE_EXCEEDED) and deleted")
	fs.BoolVar(&cfg.changeFeed, "change-feed", true, "record every mutation in the change feed (ListChanges, WatchChanges); false: record nothing and refuse the feed's calls")
	fs.DurationVar(&cfg.changeRetention, "change-retention", server.DefaultChangeRetention, "changes older than this are deleted; a watcher starting before them gets CHANGES_EXPIRED")
	fs.DurationVar(&cfg.changeHeartbeat, "change-heartbeat", server.DefaultChangeHeartbeat, "how often WatchChanges sends a heartbeat with the high-water sequence")
	fs.IntVar(&cfg.dbFeedConns, "db-feed-conns", store.DefaultFeedReadConns, "database connections reserved for the change feed's reads (watchers, ListChanges), beside --db-max-open-conns")
	fs.IntVar(&cfg.maxWatchers, "max-watchers", server.DefaultMaxWatchers, "WatchChanges calls the server runs at once, over all connections; one more is RESOURCE_EXHAUSTED")
}

// applyEnv sets each flag from its environment variable, if set, and names
// the variable in the flag's help.
func applyEnv(fs *flag.FlagSet, getenv func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		f.Usage += " (" + name + ")"
		if v, ok := getenv(name); ok && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %v", name, v, serr)
			}
		}
	})
	return err
}

// logAttrs is the configuration as log attributes, secrets hidden: the
// database password is redacted and the token file is named, never read out.
func (c config) logAttrs() []any {
	return []any{
		"database", store.RedactURL(c.database),
		"listen", c.listen,
		"insecure", c.insecure,
		"token_file", c.tokenFile,
		"tls_cert", c.tlsCert,
		"tls_key", c.tlsKey,
		"tls_client_ca", c.tlsClientCA,
		"metrics_listen", c.metricsListen,
		"http_listen", c.httpListen,
		"health_interval", c.healthInterval.String(),
		"db_max_open_conns", c.dbMaxOpenConns,
		"max_recv_msg_size", c.maxRecvMsgSize,
		"max_concurrent_streams", c.maxConcurrentStreams,
		"keepalive_min_time", c.keepaliveMinTime.String(),
		"keepalive_time", c.keepaliveTime.String(),
		"keepalive_timeout", c.keepaliveTimeout.String(),
		"shutdown_timeout", c.shutdownTimeout.String(),
		"max_attachment_bytes", c.maxAttachmentBytes,
		"max_concurrent_uploads", c.maxConcurrentUploads,
		"upload_idle_timeout", c.uploadIdleTimeout.String(),
		"change_feed", c.changeFeed,
		"change_retention", c.changeRetention.String(),
		"change_heartbeat", c.changeHeartbeat.String(),
		"max_watchers", c.maxWatchers,
		"db_feed_conns", c.dbFeedConns,
		"log_level", c.logLevel.String(),
	}
}

// authenticates reports whether callers must prove who they are: with a
// token, or with a client certificate signed by the configured CA.
func (c config) authenticates() bool { return c.tokenFile != "" || c.tlsClientCA != "" }
