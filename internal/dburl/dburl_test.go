package dburl

import (
	"strings"
	"testing"
)

func TestParseMySQL(t *testing.T) {
	cases := []struct {
		url, addr, db string
	}{
		{"mysql://root@db/interlog", "db:3306", "interlog"},
		{"mysql://root@db:3307/", "db:3307", ""}, // the server alone
		{"mysql://root@[::1]/x", "[::1]:3306", "x"},
	}
	for _, c := range cases {
		cfg, err := ParseMySQL(c.url)
		if err != nil {
			t.Fatalf("%q: %v", c.url, err)
		}
		if cfg.Net != "tcp" || cfg.Addr != c.addr || cfg.DBName != c.db || cfg.User != "root" {
			t.Errorf("%q: read as %s %s db %q user %q", c.url, cfg.Net, cfg.Addr, cfg.DBName, cfg.User)
		}
	}
}

// A malformed URL is refused with a message that says what is wrong and
// holds no part of the password.
func TestParseMySQLRefusesMalformedURLs(t *testing.T) {
	for _, u := range []string{
		"mysql://interlog:Sesame#Xyzzy@db:3306/interlog",
		"mysql://interlog:1234/Xyzzy@db:3306/interlog",
		"sqlite://interlog:Sesame@db/interlog",
		"mysql:///interlog",
	} {
		_, err := ParseMySQL(u)
		if err == nil {
			t.Fatalf("%q: accepted", u)
		}
		msg := err.Error()
		if strings.Contains(msg, "Sesame") || strings.Contains(msg, "Xyzzy") || !strings.Contains(msg, "mysql://user:pass@host:port/db") {
			t.Errorf("%q: %s", u, msg)
		}
	}
}
