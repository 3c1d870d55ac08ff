package server_test

import (
	"os"
	"testing"

	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testdb.Shutdown()
	ts.RemoveDaemonBinary()
	os.Exit(code)
}
