package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

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
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
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
		"shutdown_timeout", c.shutdownTimeout.String(),
		"log_level", c.logLevel.String(),
	}
}

// authenticates reports whether callers must prove who they are.
func (c config) authenticates() bool { return c.tokenFile != "" }
