//go:build clients

// The TypeScript and Python client programs, each against an interlogd
// started for the test (the binary of ./cmd/interlogd, a fresh SQLite file,
// a free port). `make test-clients` prepares them (scripts/clientdeps.sh) and
// runs these tests; they are left out of `go test ./...` by their build tag.
package clients_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testserver.RemoveDaemonBinary()
	os.Exit(code)
}

func TestTypeScriptClientOverGRPC(t *testing.T) {
	d := testserver.StartDaemon(t)
	runClient(t, "node", "ts-test/dist/main.js", "grpc", "http://"+d.Addr, "TS")
}

func TestPythonClient(t *testing.T) {
	d := testserver.StartDaemon(t)
	runClient(t, "python-test/.venv/bin/python", "python-test/main.py", d.Addr, "PY")
}

// runClient runs a client program and fails the test when it fails; its
// output (one line per check) goes to the test log.
func runClient(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	t.Logf("%s %v:\n%s", name, args, out)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
