package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnvAndFlags(t *testing.T) {
	env := envMap(map[string]string{
		"INTERLOG_LISTEN":           "127.0.0.1:7000",
		"INTERLOG_TOKEN_FILE":       "/etc/interlog/tokens",
		"INTERLOG_SHUTDOWN_TIMEOUT": "5s",
		"INTERLOG_INSECURE":         "true",
	})
	cfg, err := parseConfig("serve", []string{"--listen", "127.0.0.1:8000"}, io.Discard, env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.listen != "127.0.0.1:8000" {
		t.Errorf("listen %q: a flag must override the environment", cfg.listen)
	}
	if cfg.tokenFile != "/etc/interlog/tokens" || cfg.shutdownTimeout != 5*time.Second || !cfg.insecure {
		t.Errorf("environment not applied: %+v", cfg)
	}
	cfg, err = parseConfig("serve", nil, io.Discard, envMap(map[string]string{"INTERLOG_MAX_ATTACHMENT_BYTES": "1048576"}))
	if err != nil || cfg.maxAttachmentBytes != 1<<20 {
		t.Errorf("INTERLOG_MAX_ATTACHMENT_BYTES: %d, %v", cfg.maxAttachmentBytes, err)
	}
	if _, err := parseConfig("serve", []string{"--max-attachment-bytes", "0"}, io.Discard, envMap(nil)); err == nil {
		t.Error("--max-attachment-bytes 0 was accepted")
	}
	_, err = parseConfig("serve", nil, io.Discard, envMap(map[string]string{"INTERLOG_SHUTDOWN_TIMEOUT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "INTERLOG_SHUTDOWN_TIMEOUT") {
		t.Fatalf("a bad environment value: %v, want an error naming the variable", err)
	}
}

func TestConfigLogHidesSecrets(t *testing.T) {
	cfg, err := parseConfig("serve", []string{"--database", "mysql://interlog:s3cret@db:3306/interlog"}, io.Discard, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", cfg.logAttrs()...)
	if strings.Contains(buf.String(), "s3cret") || !strings.Contains(buf.String(), "interlog:xxxxx@db:3306") {
		t.Fatalf("logged configuration %s: want the password redacted", buf.String())
	}
}

func TestListenSafety(t *testing.T) {
	for _, c := range []struct {
		cfg config
		ok  bool
	}{
		{config{listen: "127.0.0.1:50051"}, true},
		{config{listen: "[::1]:50051"}, true},
		{config{listen: "localhost:50051"}, true},
		{config{listen: "0.0.0.0:50051"}, false},
		{config{listen: ":50051"}, false},
		{config{listen: "10.1.2.3:50051"}, false},
		{config{listen: "0.0.0.0:50051", insecure: true}, true},
		{config{listen: "0.0.0.0:50051", tokenFile: "/etc/tokens"}, true},
		{config{listen: "0.0.0.0:50051", tlsClientCA: "/etc/ca.crt"}, true},
	} {
		if err := checkListenSafety(c.cfg); (err == nil) != c.ok {
			t.Errorf("%+v: got %v, want ok=%v", c.cfg, err, c.ok)
		}
	}
}

// TestServeRefusesInsecureListen: the refusal comes before anything is
// opened or served.
func TestServeRefusesInsecureListen(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	err := run(context.Background(), []string{"serve", "--listen", "0.0.0.0:0", "--database", "sqlite://" + db}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "refusing to listen") {
		t.Fatalf("got %v, want a refusal", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("the database was opened before the refusal: %v", err)
	}
}

func TestTokenCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "--principal", "billing", "--role", "editor"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("output %q: want the token and the file line", out.String())
	}
	sum := sha256.Sum256([]byte(lines[0]))
	if want := hex.EncodeToString(sum[:]) + " billing editor"; lines[1] != want {
		t.Fatalf("file line %q, want %q", lines[1], want)
	}
	for _, args := range [][]string{{"--principal", "x"}, {"--role", "admin"}, {"--principal", "x", "--role", "owner"}} {
		if err := run(context.Background(), append([]string{"token"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("token %v: accepted", args)
		}
	}
}

// TestReadmeListsEveryFlag keeps the README's configuration table complete.
func TestReadmeListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"serve", "migrate"} {
		fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		defineFlags(fs, cmd, &config{})
		fs.VisitAll(func(f *flag.Flag) {
			row := "| `--" + f.Name + "` | `" + envName(f.Name) + "` |"
			if !strings.Contains(string(readme), row) {
				t.Errorf("README.md has no configuration row starting %q", row)
			}
		})
	}
}
