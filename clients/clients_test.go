//go:build clients

// The TypeScript and Python client programs, each against an interlogd
// started for the test (the binary of ./cmd/interlogd, a fresh SQLite file,
// a free port). `make test-clients` prepares them (scripts/clientdeps.sh) and
// runs these tests; they are left out of `go test ./...` by their build tag.
package clients_test

import (
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testserver.RemoveDaemonBinary()
	os.Exit(code)
}

// TestTypeScriptClient runs the program over gRPC on the gRPC port, then over
// Connect and gRPC-Web on the --http-listen port (HTTP/1.1), where it
// downloads the attachment the gRPC run uploaded.
func TestTypeScriptClient(t *testing.T) {
	d := testserver.StartDaemon(t, "--http-listen", "127.0.0.1:0")
	httpBase, _ := d.Logs.Wait(t, "HTTP serving")["address"].(string)
	out := runClient(t, nil, "node", "ts-test/dist/main.js", "grpc", "http://"+d.Addr, "TS")
	attachment := regexp.MustCompile(`(?m)^ATTACHMENT=attachments/\d+$`).Find(out)
	if attachment == nil {
		t.Fatal("the gRPC run did not name its attachment")
	}
	for transport, prefix := range map[string]string{"connect": "TC", "grpc-web": "TW"} {
		t.Run(transport, func(t *testing.T) {
			runClient(t, []string{string(attachment)}, "node", "ts-test/dist/main.js", transport, httpBase, prefix)
		})
	}
}

func TestPythonClient(t *testing.T) {
	d := testserver.StartDaemon(t)
	runClient(t, nil, "python-test/.venv/bin/python", "python-test/main.py", d.Addr, "PY")
}

// runClient runs a client program with env added to the test's environment
// and fails the test when it fails; its output (one line per check) goes to
// the test log and is returned.
func runClient(t *testing.T, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	t.Logf("%s %v:\n%s", name, args, out)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
