//go:build clients

// The TypeScript and Python client programs, each against an interlogd
// started for the test (the binary of ./cmd/interlogd, a fresh SQLite file,
// a free port). `make test-clients` prepares them (scripts/clientdeps.sh) and
// runs these tests; they are left out of `go test ./...` by their build tag.
package clients_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/interlog/interlog/internal/testserver"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testserver.RemoveDaemonBinary()
	os.Exit(code)
}

// TestTypeScriptClient runs the program over gRPC on the gRPC port, then on
// the --http-listen port over Connect on HTTP/2 (which uploads too), and over
// Connect and gRPC-Web on HTTP/1.1, where it downloads the attachment the
// gRPC run uploaded.
func TestTypeScriptClient(t *testing.T) {
	d := testserver.StartDaemon(t, "--http-listen", "127.0.0.1:0")
	httpBase, _ := d.Logs.Wait(t, "HTTP serving")["address"].(string)
	out := runProgram(t, nil, "node", "ts-test/dist/main.js", "grpc", "http://"+d.Addr, "TS")
	attachment := regexp.MustCompile(`(?m)^ATTACHMENT=attachments/\d+$`).Find(out)
	if attachment == nil {
		t.Fatal("the gRPC run did not name its attachment")
	}
	for transport, prefix := range map[string]string{"connect-h2": "TH", "connect": "TC", "grpc-web": "TW"} {
		t.Run(transport, func(t *testing.T) {
			runProgram(t, []string{string(attachment)}, "node", "ts-test/dist/main.js", transport, httpBase, prefix)
		})
	}
}

func TestPythonClient(t *testing.T) {
	d := testserver.StartDaemon(t)
	runProgram(t, nil, "python-test/.venv/bin/python", "python-test/main.py", d.Addr, "PY")
}

// firstCallOutput is what the README's first-call examples print.
var firstCallOutput = regexp.MustCompile(`(?s)^logged interactionLogEntries/\d+: Renewal, cost 25.5\n` +
	`refused: (INVALID_ARGUMENT|InvalidArgument) INVALID_FIELD, fields \W*interaction_template_code\W*\n$`)

// TestFirstCallExamples runs the README's first calls twice each, as a
// reader may: the second run finds the group, template and contact made.
func TestFirstCallExamples(t *testing.T) {
	d := testserver.StartDaemon(t)
	// Node resolves the example's packages from where the file is.
	example, err := os.ReadFile("../examples/typescript/first-call.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("ts-test/dist/first-call.mjs", example, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		for _, out := range [][]byte{
			runProgram(t, nil, "node", "ts-test/dist/first-call.mjs", "http://"+d.Addr),
			runProgram(t, nil, "python-test/.venv/bin/python", "../examples/python/first_call.py", d.Addr),
		} {
			if !firstCallOutput.Match(out) {
				t.Errorf("output %q does not match %s", out, firstCallOutput)
			}
		}
	}
}

// runProgram runs a program with env added to the test's environment
// and fails the test when it fails; its output (one line per check) goes to
// the test log and is returned.
func runProgram(t *testing.T, env []string, name string, args ...string) []byte {
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

// TestParsersReadTheProtos: the parsers of callers that compile the .proto
// files themselves read the whole API: Debian's protoc 3.21 (Python's
// grpc_tools and older toolchains) and protobufjs (@grpc/proto-loader).
func TestParsersReadTheProtos(t *testing.T) {
	files, err := filepath.Glob("../proto/interlog/v1/*.proto")
	if err != nil || len(files) == 0 {
		t.Fatalf("no protos: %v", err)
	}
	var names []string
	for _, f := range files {
		rel, _ := filepath.Rel("../proto", f)
		names = append(names, rel)
	}
	protoc := append([]string{"-I", "../proto", "-I", "../.protodeps", "-o", os.DevNull}, names...)
	runProgram(t, nil, "/usr/bin/protoc", protoc...)
	loader := append([]string{"ts-test/dist/proto-loader-check.js", "../proto", "../.protodeps", "--"}, names...)
	runProgram(t, nil, "node", loader...)
}
