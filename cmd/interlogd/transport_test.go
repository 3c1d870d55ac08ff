package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/peer"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	dir  string
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	ca := &testCA{dir: t.TempDir()}
	ca.cert, ca.key = ca.issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}, nil)
	return ca
}

// issue signs tmpl with the CA (or itself when parent is nil).
func (ca *testCA) issue(t *testing.T, tmpl *x509.Certificate, parent *testCA) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.NoErr(t, err)
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	ts.NoErr(t, err)
	cert, err := x509.ParseCertificate(der)
	ts.NoErr(t, err)
	return cert, key
}

// leaf issues a certificate for a server (127.0.0.1) or a client (cn).
func (ca *testCA) leaf(t *testing.T, cn string, usage x509.ExtKeyUsage) (certFile, keyFile string) {
	t.Helper()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		KeyUsage: x509.KeyUsageDigitalSignature, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	cert, key := ca.issue(t, tmpl, ca)
	certFile, keyFile = filepath.Join(ca.dir, cn+".crt"), filepath.Join(ca.dir, cn+".key")
	writePEM(t, certFile, "CERTIFICATE", cert.Raw)
	keyDER, err := x509.MarshalECPrivateKey(key)
	ts.NoErr(t, err)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func (ca *testCA) certFile(t *testing.T) string {
	path := filepath.Join(ca.dir, "ca.crt")
	writePEM(t, path, "CERTIFICATE", ca.cert.Raw)
	return path
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	ts.NoErr(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}

// tlsServer serves a fresh SQLite database with the TLS settings of cfg.
func tlsServer(t *testing.T, cfg config, tokens *server.TokenFile) *ts.Env {
	t.Helper()
	certs, err := loadTLSFiles(cfg)
	ts.NoErr(t, err)
	return ts.Start(t, "sqlite", ts.Options{Server: server.Options{ServerOptions: grpcOptions(cfg, certs), Tokens: tokens}})
}

// tlsClient dials addr trusting ca, presenting the client certificate if given.
func tlsClient(t *testing.T, addr string, ca *testCA, certFile, keyFile string) apiv1.InteractionGroupServiceClient {
	t.Helper()
	return apiv1.NewInteractionGroupServiceClient(tlsConn(t, addr, ca, certFile, keyFile))
}

// tlsConn is the connection of tlsClient.
func tlsConn(t *testing.T, addr string, ca *testCA, certFile, keyFile string) *grpc.ClientConn {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	tc := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		ts.NoErr(t, err)
		tc.Certificates = []tls.Certificate{cert}
	}
	return dial(t, addr, grpc.WithTransportCredentials(credentials.NewTLS(tc)))
}

func dialGroups(t *testing.T, addr string, opt grpc.DialOption) apiv1.InteractionGroupServiceClient {
	t.Helper()
	return apiv1.NewInteractionGroupServiceClient(dial(t, addr, opt))
}

func dial(t *testing.T, addr string, opt grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, opt)
	ts.NoErr(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// callContext bounds a call and carries the token, if any.
func callContext(token string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	if token != "" {
		ctx = ts.Bearer(ctx, token)
	}
	return ctx, cancel
}

func listGroups(c apiv1.InteractionGroupServiceClient, token string) error {
	ctx, cancel := callContext(token)
	defer cancel()
	_, err := c.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{})
	return err
}

func createGroup(c apiv1.InteractionGroupServiceClient, token, code string) error {
	ctx, cancel := callContext(token)
	defer cancel()
	_, err := c.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{InteractionGroup: &apiv1.InteractionGroup{Code: code}})
	return err
}

func TestTLSWithTokens(t *testing.T) {
	ca := newCA(t, "test CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	token, line := tokenLine(t, "ada", server.RoleAdmin)
	path := filepath.Join(t.TempDir(), "tokens")
	ts.NoErr(t, os.WriteFile(path, []byte(line+"\n"), 0o600))
	tokens, err := server.LoadTokenFile(path)
	ts.NoErr(t, err)
	env := tlsServer(t, config{tlsCert: cert, tlsKey: key, tokenFile: path, maxRecvMsgSize: 1 << 20, maxConcurrentStreams: 10}, tokens)

	client := tlsClient(t, env.Addr, ca, "", "")
	ts.NoErr(t, createGroup(client, token, "TLS"))
	ts.WantCode(t, listGroups(client, ""), codes.Unauthenticated, "CREDENTIALS_MISSING")

	// A plaintext client cannot talk to a TLS server.
	plain := dialGroups(t, env.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	ts.WantCode(t, listGroups(plain, token), codes.Unavailable, "")
}

func TestMutualTLSWithTokenFile(t *testing.T) {
	ca := newCA(t, "test CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	reportCert, reportKey := ca.leaf(t, "reporting.internal", x509.ExtKeyUsageClientAuth)
	strangerCert, strangerKey := ca.leaf(t, "stranger.internal", x509.ExtKeyUsageClientAuth)
	token, line := tokenLine(t, "ada", server.RoleAdmin)
	path := filepath.Join(t.TempDir(), "tokens")
	ts.NoErr(t, os.WriteFile(path, []byte(line+"\ncert:reporting.internal viewer\n"), 0o600))
	tokens, err := server.LoadTokenFile(path)
	ts.NoErr(t, err)
	env := tlsServer(t, config{tlsCert: cert, tlsKey: key, tlsClientCA: ca.certFile(t), tokenFile: path,
		maxRecvMsgSize: 1 << 20, maxConcurrentStreams: 10}, tokens)

	// The certificate's subject is the principal, with the role the token file gives it.
	reporting := tlsClient(t, env.Addr, ca, reportCert, reportKey)
	ts.NoErr(t, listGroups(reporting, ""))
	ts.WantCode(t, createGroup(reporting, "", "X"), codes.PermissionDenied, "ROLE_INSUFFICIENT")

	// A token wins over the certificate.
	ts.NoErr(t, createGroup(reporting, token, "BYTOKEN"))
	g, err := env.Store.GetGroup(context.Background(), "BYTOKEN")
	ts.NoErr(t, err)
	if g.UserID != "ada" {
		t.Fatalf("user_id %q, want the token's principal", g.UserID)
	}

	// A valid certificate whose subject the token file does not name may do nothing.
	stranger := tlsClient(t, env.Addr, ca, strangerCert, strangerKey)
	ts.WantCode(t, listGroups(stranger, ""), codes.PermissionDenied, "ROLE_INSUFFICIENT")

	// Client certificates are optional when there is a token file.
	noCert := tlsClient(t, env.Addr, ca, "", "")
	ts.NoErr(t, listGroups(noCert, token))
	ts.WantCode(t, listGroups(noCert, ""), codes.Unauthenticated, "CREDENTIALS_MISSING")
}

func TestMutualTLSWithoutTokenFile(t *testing.T) {
	ca := newCA(t, "test CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.leaf(t, "billing.internal", x509.ExtKeyUsageClientAuth)
	other := newCA(t, "other CA")
	otherCert, otherKey := other.leaf(t, "billing.internal", x509.ExtKeyUsageClientAuth)
	env := tlsServer(t, config{tlsCert: cert, tlsKey: key, tlsClientCA: ca.certFile(t),
		maxRecvMsgSize: 1 << 20, maxConcurrentStreams: 10}, nil)

	// The certificate is the credential: its subject is recorded as user_id.
	client := tlsClient(t, env.Addr, ca, clientCert, clientKey)
	ts.NoErr(t, createGroup(client, "", "MTLS"))
	g, err := env.Store.GetGroup(context.Background(), "MTLS")
	ts.NoErr(t, err)
	if g.UserID != "billing.internal" {
		t.Fatalf("user_id %q, want the certificate's subject", g.UserID)
	}
	// Without a certificate, or with one from another CA, the handshake fails.
	ts.WantCode(t, listGroups(tlsClient(t, env.Addr, ca, "", ""), ""), codes.Unavailable, "")
	ts.WantCode(t, listGroups(tlsClient(t, env.Addr, ca, otherCert, otherKey), ""), codes.Unavailable, "")
}

func TestTLSConfigErrors(t *testing.T) {
	ca := newCA(t, "test CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	for name, cfg := range map[string]config{
		"cert without key":   {tlsCert: cert},
		"key without cert":   {tlsKey: key},
		"client CA, no cert": {tlsClientCA: ca.certFile(t)},
		"missing cert file":  {tlsCert: cert + ".missing", tlsKey: key},
		"CA file not PEM":    {tlsCert: cert, tlsKey: key, tlsClientCA: filepath.Join(t.TempDir())},
		"key of another":     {tlsCert: cert, tlsKey: filepath.Join(ca.dir, "nope.key")},
	} {
		if _, err := loadTLSFiles(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// servedBy makes a call on conn and returns the subject CN of the
// certificate the server presented on it.
func servedBy(t *testing.T, conn *grpc.ClientConn) string {
	t.Helper()
	ctx, cancel := callContext("")
	defer cancel()
	var p peer.Peer
	_, err := apiv1.NewInteractionGroupServiceClient(conn).ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{}, grpc.Peer(&p))
	ts.NoErr(t, err)
	return p.AuthInfo.(credentials.TLSInfo).State.PeerCertificates[0].Subject.CommonName
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	ts.NoErr(t, err)
	ts.NoErr(t, os.WriteFile(to, b, 0o600))
}

func TestDaemonReloadsTLSCertificateOnSIGHUP(t *testing.T) {
	ca := newCA(t, "test CA")
	certA, keyA := ca.leaf(t, "server-a", x509.ExtKeyUsageServerAuth)
	certB, keyB := ca.leaf(t, "server-b", x509.ExtKeyUsageServerAuth)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	copyFile(t, certA, cert)
	copyFile(t, keyA, key)
	d := ts.StartDaemon(t, "--tls-cert", cert, "--tls-key", key)
	newConn := func() *grpc.ClientConn { return tlsConn(t, d.Addr, ca, "", "") }
	before := newConn()
	wantServedBy(t, before, "server-a")

	// A key that is not the certificate's is not taken: A stays in use.
	copyFile(t, certB, cert)
	d.Signal(t, syscall.SIGHUP)
	rec := d.Logs.Wait(t, "TLS files not reloaded; the certificate loaded before stays in use")
	if msg := rec["error"].(string); !strings.Contains(msg, "private key does not match") || !strings.Contains(msg, cert) {
		t.Errorf("reload error %q: want the mismatch and the file named", msg)
	}
	wantServedBy(t, newConn(), "server-a")

	copyFile(t, keyB, key)
	d.Signal(t, syscall.SIGHUP)
	rec = d.Logs.Wait(t, "TLS files reloaded")
	if subject := rec["subject"].(string); subject != "CN=server-b" {
		t.Errorf("reloaded subject %q, want CN=server-b", subject)
	}
	wantServedBy(t, newConn(), "server-b")
	// The connection made before the reload was not dropped: it still has A.
	wantServedBy(t, before, "server-a")

	// An unreadable file is not taken either: B stays in use.
	ts.NoErr(t, os.Remove(key))
	d.Signal(t, syscall.SIGHUP)
	rec = d.Logs.WaitNth(t, "TLS files not reloaded; the certificate loaded before stays in use", 2)
	if msg := rec["error"].(string); !strings.Contains(msg, key) {
		t.Errorf("reload error %q: want the missing file named", msg)
	}
	wantServedBy(t, newConn(), "server-b")
}

func wantServedBy(t *testing.T, conn *grpc.ClientConn, cn string) {
	t.Helper()
	if got := servedBy(t, conn); got != cn {
		t.Fatalf("server presented %q, want %q", got, cn)
	}
}

func TestDaemonReloadsClientCAOnSIGHUP(t *testing.T) {
	ca := newCA(t, "server CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	ca1, ca2 := newCA(t, "client CA 1"), newCA(t, "client CA 2")
	cert1, key1 := ca1.leaf(t, "billing-1", x509.ExtKeyUsageClientAuth)
	cert2, key2 := ca2.leaf(t, "billing-2", x509.ExtKeyUsageClientAuth)
	clientCA := filepath.Join(t.TempDir(), "clients.crt")
	copyFile(t, ca1.certFile(t), clientCA)
	d := ts.StartDaemon(t, "--tls-cert", cert, "--tls-key", key, "--tls-client-ca", clientCA)
	list := func(certFile, keyFile string) error {
		return listGroups(tlsClient(t, d.Addr, ca, certFile, keyFile), "")
	}
	ts.NoErr(t, list(cert1, key1))
	ts.WantCode(t, list(cert2, key2), codes.Unavailable, "")

	copyFile(t, ca2.certFile(t), clientCA)
	d.Signal(t, syscall.SIGHUP)
	d.Logs.Wait(t, "TLS files reloaded")
	ts.NoErr(t, list(cert2, key2))
	ts.WantCode(t, list(cert1, key1), codes.Unavailable, "")

	// A file without a certificate is not taken: CA 2 stays in use.
	ts.NoErr(t, os.WriteFile(clientCA, []byte("not a certificate\n"), 0o600))
	d.Signal(t, syscall.SIGHUP)
	rec := d.Logs.Wait(t, "TLS files not reloaded; the certificate loaded before stays in use")
	if msg := rec["error"].(string); !strings.Contains(msg, "no PEM certificate") {
		t.Errorf("reload error %q: want the CA file's fault", msg)
	}
	ts.NoErr(t, list(cert2, key2))
}
