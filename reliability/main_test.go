// Package reliability holds the suites that show interlog keeps working under
// faults and load and loses nothing it acknowledged: the database killed and
// restarted under load, the server process killed during bulk work, and a
// bounded soak. docs/reliability.md reports what they measured.
package reliability

import (
	"io"
	"log"
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	// The MySQL driver logs every connection the killed database drops.
	_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	code := m.Run()
	testdb.Shutdown()
	ts.RemoveDaemonBinary()
	os.Exit(code)
}
