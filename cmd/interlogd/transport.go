package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
)

// tlsFiles is the TLS material of the listener, read from the files the
// flags name: the server's certificate and key and, with --tls-client-ca,
// the CAs of client certificates. Every handshake takes the material read
// last, so a SIGHUP can renew it without a restart; connections already open
// keep what they were made with.
type tlsFiles struct {
	cfg     config
	current atomic.Pointer[tls.Config]
}

// loadTLSFiles reads the TLS files of cfg, or returns nil when TLS is off.
func loadTLSFiles(cfg config) (*tlsFiles, error) {
	if err := checkTLSFlags(cfg); err != nil || cfg.tlsCert == "" {
		return nil, err
	}
	f := &tlsFiles{cfg: cfg}
	if err := f.reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// checkTLSFlags rejects an incomplete set of TLS flags.
func checkTLSFlags(cfg config) error {
	switch {
	case cfg.tlsCert == "" && cfg.tlsKey == "" && cfg.tlsClientCA != "":
		return errors.New("--tls-client-ca needs --tls-cert and --tls-key")
	case (cfg.tlsCert == "") != (cfg.tlsKey == ""):
		return errors.New("TLS needs both --tls-cert and --tls-key")
	}
	return nil
}

// reload rereads the files. When one cannot be read or does not fit (a key
// that is not the certificate's), the material read before stays in use.
func (f *tlsFiles) reload() error {
	tc, err := readTLSFiles(f.cfg)
	if err != nil {
		return err
	}
	f.current.Store(tc)
	return nil
}

// reloadAndLog is reload for SIGHUP: it logs what it did.
func (f *tlsFiles) reloadAndLog(log *slog.Logger) {
	if err := f.reload(); err != nil {
		log.Error("TLS files not reloaded; the certificate loaded before stays in use", "error", err.Error())
		return
	}
	leaf := f.current.Load().Certificates[0].Leaf
	log.Info("TLS files reloaded", "tls_cert", f.cfg.tlsCert, "tls_key", f.cfg.tlsKey, "tls_client_ca", f.cfg.tlsClientCA,
		"subject", leaf.Subject.String(), "not_after", leaf.NotAfter.UTC().Format(time.RFC3339))
}

// serverConfig is the TLS configuration of the listener: each handshake
// uses the material current at that moment.
func (f *tlsFiles) serverConfig() *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { return f.current.Load(), nil },
	}
}

// readTLSFiles builds a TLS configuration from the files of cfg. With
// --tls-client-ca, client certificates are verified: every client must
// present one when there is no token file (the certificate is then the only
// credential), and may when there is (tokens also work).
func readTLSFiles(cfg config) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s, --tls-key %s: %w", cfg.tlsCert, cfg.tlsKey, err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.tlsClientCA == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(cfg.tlsClientCA)
	if err != nil {
		return nil, fmt.Errorf("--tls-client-ca: %w", err)
	}
	tc.ClientCAs = x509.NewCertPool()
	if !tc.ClientCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--tls-client-ca %s: no PEM certificate in it", cfg.tlsClientCA)
	}
	tc.ClientAuth = tls.RequireAndVerifyClientCert
	if cfg.tokenFile != "" {
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, nil
}

// grpcOptions are the transport settings of the gRPC server: TLS (when
// certs is not nil) and limits.
func grpcOptions(cfg config, certs *tlsFiles) []grpc.ServerOption {
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.maxRecvMsgSize),
		grpc.MaxConcurrentStreams(uint32(min(cfg.maxConcurrentStreams, math.MaxUint32))),
		// Clients may ping idle connections (they keep them through load
		// balancers), but not more often than keepaliveMinTime.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: cfg.keepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: cfg.keepaliveTime, Timeout: cfg.keepaliveTimeout}),
	}
	if certs != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(certs.serverConfig())))
	}
	return opts
}
