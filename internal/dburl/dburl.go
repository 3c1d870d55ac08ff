// Package dburl reads the database URLs interlog takes (sqlite://... and
// mysql://user:pass@host:port/db) and hides their passwords in messages. The
// store, the test harnesses and the benchmarks all read mysql:// URLs here.
// It is a package of its own, not part of store, because internal/testdb
// needs it and the store's tests import internal/testdb.
package dburl

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// ParseMySQL reads mysql://user:pass@host[:port]/db into the MySQL driver's
// connection settings: TCP to host (port 3306 when none is given), the user
// and password percent-decoded, database db (empty for the server alone).
// Nothing else is set; each caller adds the options it needs. Errors show the
// URL with its password hidden.
func ParseMySQL(rawURL string) (*mysql.Config, error) {
	// url.Parse's error quotes the URL, password included: it is not shown.
	u, err := url.Parse(rawURL)
	if err != nil || misreadUserinfo(rawURL, u) {
		return nil, fmt.Errorf("database URL %q: not of the form mysql://user:pass@host:port/db; "+
			"percent-encode these characters in the user name and password: %% as %%25, # as %%23, / as %%2F, ? as %%3F, @ as %%40, space as %%20",
			Redact(rawURL))
	}
	if u.Scheme != "mysql" || u.Host == "" {
		return nil, fmt.Errorf("database URL %q: want mysql://user:pass@host:port/db", Redact(rawURL))
	}
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	return cfg, nil
}

// misreadUserinfo reports whether url.Parse read part of the user name or
// password as something else: an unencoded '#', '?' or '/' in a password
// ends the host early, so that the rest (with the '@') lands in the
// fragment, query or path, and a password of digits passes as a port.
func misreadUserinfo(rawURL string, u *url.URL) bool {
	if !strings.Contains(rawURL, "@") {
		return false
	}
	return u.User == nil || strings.Contains(u.Host+u.EscapedPath()+u.RawQuery+u.Fragment, "@")
}

// Redact hides the password of a database URL for messages and logs,
// whether or not the URL parses: everything from the ':' after the user name
// to the URL's last '@' is replaced, which covers a password holding any
// character, encoded or not.
func Redact(rawURL string) string {
	at := strings.LastIndex(rawURL, "@")
	if at < 0 {
		return rawURL
	}
	userStart := 0
	if i := strings.Index(rawURL, "://"); i >= 0 && i < at {
		userStart = i + len("://")
	}
	colon := strings.Index(rawURL[userStart:at], ":")
	if colon < 0 {
		return rawURL
	}
	return rawURL[:userStart+colon+1] + "xxxxx" + rawURL[at:]
}
