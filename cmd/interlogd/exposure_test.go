package main

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// The warnings of warnOfExposure, by their message.
const (
	plaintextTokensWarning = "bearer tokens are accepted over plaintext on a non-loopback address: whoever can see the traffic can take them; configure --tls-cert and --tls-key"
	insecureWarning        = "--insecure: the API is served without authentication on a non-loopback address, so whoever can reach it has the admin role"
	metricsWarning         = "the metrics listener is not on loopback and has no authentication: whoever can reach it reads the metrics"
)

// TestStartWarnsOfExposure starts interlogd in configurations that expose
// something to the network, and in their loopback (or TLS) counterparts:
// each exposure is one JSON warning at start, and only the exposed ones are
// warned of.
func TestStartWarnsOfExposure(t *testing.T) {
	_, line := tokenLine(t, "alice", server.RoleViewer)
	tokens := filepath.Join(t.TempDir(), "tokens")
	ts.NoErr(t, os.WriteFile(tokens, []byte(line+"\n"), 0o600))
	ca := newCA(t, "exposure CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	all := []string{plaintextTokensWarning, insecureWarning, metricsWarning}
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--listen", "0.0.0.0:0", "--token-file", tokens}, []string{plaintextTokensWarning}},
		{[]string{"--listen", "0.0.0.0:0", "--insecure"}, []string{insecureWarning}},
		{[]string{"--metrics-listen", "0.0.0.0:0"}, []string{metricsWarning}},
		{[]string{"--listen", "0.0.0.0:0", "--token-file", tokens, "--insecure", "--metrics-listen", ":0"}, []string{plaintextTokensWarning, metricsWarning}},
		// Nothing exposed: loopback, or tokens over TLS.
		{[]string{"--token-file", tokens, "--insecure", "--metrics-listen", "127.0.0.1:0"}, nil},
		{[]string{"--listen", "0.0.0.0:0", "--token-file", tokens, "--tls-cert", cert, "--tls-key", key}, nil},
	}
	for _, c := range cases {
		d := ts.StartDaemon(t, c.args...) // the warnings come before "interlogd serving"
		for _, msg := range all {
			wanted := false
			for _, w := range c.want {
				wanted = wanted || w == msg
			}
			rec := d.Logs.Find(msg)
			switch {
			case wanted && rec == nil:
				t.Errorf("%v: no warning %q", c.args, msg)
			case wanted && rec["level"] != "WARN":
				t.Errorf("%v: %q logged at %v, want WARN", c.args, msg, rec["level"])
			case !wanted && rec != nil:
				t.Errorf("%v: warned %q", c.args, msg)
			}
		}
		if rec := d.Logs.Find("unstructured"); rec != nil {
			t.Errorf("%v: a line on stderr is not JSON: %v", c.args, rec["text"])
		}
	}
}
