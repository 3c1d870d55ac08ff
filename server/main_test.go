package server_test

import (
	"os"
	"testing"

	"github.com/interlog/interlog/internal/testdb"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testdb.Shutdown()
	os.Exit(code)
}
