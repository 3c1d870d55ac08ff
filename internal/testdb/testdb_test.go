package testdb

import (
	"database/sql"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/interlog/interlog/internal/dburl"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

// open connects to a mysql:// URL; with an empty database name, to the server alone.
func open(t *testing.T, u string) *sql.DB {
	t.Helper()
	cfg, err := dburl.ParseMySQL(u)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMySQL(t *testing.T) {
	var urls []string
	t.Run("fresh usable databases", func(t *testing.T) {
		urls = []string{MySQL(t), MySQL(t)}
		if urls[0] == urls[1] {
			t.Fatalf("two calls gave the same database %s", urls[0])
		}
		db := open(t, urls[0])
		var name string
		if err := db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "it_") || path.Base(urls[0]) != name {
			t.Fatalf("connected to database %q via %s", name, urls[0])
		}
		if n := count(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", name); n != 0 {
			t.Fatalf("new database %s has %d tables, want 0", name, n)
		}
		// Tables can be created and hold 4-byte UTF-8.
		for _, q := range []string{"CREATE TABLE t (s VARCHAR(10))", "INSERT INTO t VALUES ('😀')"} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var s string
		if err := db.QueryRow("SELECT s FROM t").Scan(&s); err != nil || s != "😀" {
			t.Fatalf("read back %q, %v; want 😀", s, err)
		}
	})
	if len(urls) == 0 {
		t.Skip("no databases to check") // the subtest was skipped, or failed before MySQL()
	}
	// The subtest has ended, so its cleanups have dropped both databases.
	server := open(t, strings.TrimSuffix(urls[0], path.Base(urls[0])))
	for _, u := range urls {
		if n := count(t, server, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", path.Base(u)); n != 0 {
			t.Errorf("database of %s still exists after the test ended", u)
		}
	}
}

func TestPrivateMariaDBKillStart(t *testing.T) {
	s := PrivateMariaDB(t)
	u := s.URL("fault")
	if s.URL("fault") != u {
		t.Fatalf("URL of the same database changed")
	}
	db := open(t, u)
	if _, err := db.Exec("CREATE TABLE t (n INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}

	s.Kill()
	if err := db.Ping(); err == nil {
		t.Fatal("ping succeeded after Kill")
	}

	s.Start()
	if err := db.Ping(); err != nil {
		t.Fatalf("ping after Start: %v", err)
	}
	// Committed data survives the crash, as fault-injection tests will expect.
	if n := count(t, db, "SELECT n FROM t"); n != 42 {
		t.Fatalf("after restart t holds %d, want 42", n)
	}
}

func TestEngines(t *testing.T) {
	for list, want := range map[string]string{
		"":                  "sqlite mysql",
		"sqlite":            "sqlite",
		" sqlite, tidb ,":   "sqlite tidb",
		"sqlite,mysql,tidb": "sqlite mysql tidb",
	} {
		t.Setenv(enginesEnv, list)
		if got := strings.Join(Engines(), " "); got != want {
			t.Errorf("%s=%q: Engines() = %v, want %s", enginesEnv, list, got, want)
		}
	}
}

// TestTiDB checks that the tidb engine is TiDB, when it is one of the engines.
func TestTiDB(t *testing.T) {
	if !slices.Contains(Engines(), "tidb") {
		t.Skipf("tidb is not in %s", enginesEnv)
	}
	db := open(t, URL(t, "tidb"))
	var version string
	if err := db.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(version, "TiDB") {
		t.Fatalf("the tidb engine's server is %q", version)
	}
}

func TestURL(t *testing.T) {
	u := URL(t, "sqlite")
	p, ok := strings.CutPrefix(u, "sqlite://")
	if !ok || !filepath.IsAbs(p) || filepath.Base(p) != "interlog.db" {
		t.Fatalf("sqlite URL %q, want sqlite:///abs/dir/interlog.db", u)
	}
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatalf("sqlite file not creatable: %v", err)
	}
	if u := URL(t, "mysql"); !strings.HasPrefix(u, "mysql://") {
		t.Fatalf("mysql URL %q", u)
	}
}

func TestURLRoundTrip(t *testing.T) {
	for _, u := range []string{
		"mysql://root@127.0.0.1:3306/it_00",
		"mysql://bob:s%40cret%2F@db.example:3307/x",
	} {
		cfg, err := dburl.ParseMySQL(u)
		if err != nil {
			t.Fatal(err)
		}
		if got := toURL(cfg, cfg.DBName); got != u {
			t.Errorf("toURL(dburl.ParseMySQL(%q)) = %q", u, got)
		}
	}
	cfg, _ := dburl.ParseMySQL("mysql://bob:s%40cret%2F@db.example:3307/x")
	if cfg.User != "bob" || cfg.Passwd != "s@cret/" || cfg.Addr != "db.example:3307" || cfg.DBName != "x" {
		t.Errorf("parsed %+v", cfg)
	}
}
