package main

import (
	"path/filepath"
	"strings"
	"testing"

	ts "github.com/interlog/interlog/internal/testserver"
)

// TestMalformedDatabaseURLHidesPassword runs serve and migrate with
// database URLs whose password holds a character that breaks the URL
// unencoded: nothing printed may hold any part of the password, and the
// message still says what is wrong.
func TestMalformedDatabaseURLHidesPassword(t *testing.T) {
	// The password is Sesame<c>Xyzzy; neither half may be printed.
	urls := []string{
		"mysql://interlog:Sesame#Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame/Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame?Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame%Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame%zzXyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:Sesame@Xyzzy#@127.0.0.1:3306/interlog",
		// Digits before the character pass as a port of host "interlog".
		"mysql://interlog:1234Sesame#Xyzzy@127.0.0.1:3306/interlog",
		"mysql://interlog:1234/SesameXyzzy@127.0.0.1:3306/interlog",
		"mysql:/interlog:Sesame#Xyzzy@127.0.0.1:3306/interlog",
		"mysq://interlog:Sesame#Xyzzy@127.0.0.1:3306/interlog",
	}
	for _, cmd := range []string{"serve", "migrate"} {
		for _, url := range urls {
			args := []string{cmd, "--database", url}
			if cmd == "serve" {
				args = append(args, "--listen", "127.0.0.1:0", "--metrics-listen", "")
			}
			stdout, stderr, err := ts.RunInterlogd(t, args...)
			printed := stdout + stderr
			if err == nil {
				t.Fatalf("%s --database %q: exited 0, want a failure\n%s", cmd, url, printed)
			}
			for _, secret := range []string{"Sesame", "Xyzzy", "1234"} {
				if strings.Contains(printed, secret) {
					t.Fatalf("%s --database %q printed %q of the password:\n%s", cmd, url, secret, printed)
				}
			}
			if !strings.Contains(printed, "database URL") || !strings.Contains(printed, "mysql://user:pass@host:port/db") && !strings.Contains(printed, "unknown scheme") {
				t.Fatalf("%s --database %q: the message does not say what is wrong:\n%s", cmd, url, printed)
			}
		}
	}
	// Unquoted, a password with a space is split in two arguments.
	for _, cmd := range []string{"serve", "migrate"} {
		stdout, stderr, err := ts.RunInterlogd(t, cmd, "--database", "mysql://interlog:Sesame", "Xyzzy@127.0.0.1:3306/interlog")
		if printed := stdout + stderr; err == nil || strings.Contains(printed, "Sesame") || strings.Contains(printed, "Xyzzy") ||
			!strings.Contains(printed, "unexpected arguments") {
			t.Fatalf("%s with the password split: %v\n%s", cmd, err, printed)
		}
	}
	// A well-formed URL still works.
	_, stderr, err := ts.RunInterlogd(t, "migrate", "--database", "sqlite://"+filepath.Join(t.TempDir(), "ok.db"))
	if err != nil {
		t.Fatalf("migrate on a SQLite file: %v\n%s", err, stderr)
	}
}
