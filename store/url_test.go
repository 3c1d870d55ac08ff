package store

import (
	"strings"
	"testing"
)

// TestMySQLURLWithEncodedPassword: a password with the characters that break
// a URL works when percent-encoded, and is redacted in either form.
func TestMySQLURLWithEncodedPassword(t *testing.T) {
	raw := "mysql://interlog:a%23b%2Fc%3Fd%25e%40f%20g@db:3306/interlog"
	cfg, err := mysqlConfig(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Passwd != "a#b/c?d%e@f g" || cfg.User != "interlog" || cfg.Addr != "db:3306" || cfg.DBName != "interlog" {
		t.Fatalf("read as user %q password %q at %q db %q", cfg.User, cfg.Passwd, cfg.Addr, cfg.DBName)
	}
	for _, u := range []string{raw, "mysql://interlog:a#b@db:3306/interlog", "mysql://interlog:a b@db/interlog"} {
		if got := RedactURL(u); got != "mysql://interlog:xxxxx@"+u[strings.LastIndex(u, "@")+1:] {
			t.Errorf("RedactURL(%q) = %q", u, got)
		}
	}
	if got := RedactURL("mysql://interlog@db/interlog"); got != "mysql://interlog@db/interlog" {
		t.Errorf("a URL without a password was changed: %q", got)
	}
}
