package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
)

// serverTLS builds the TLS configuration of the gRPC listener, or nil when
// TLS is off. With --tls-client-ca, client certificates are verified: every
// client must present one when there is no token file (the certificate is
// then the only credential), and may when there is (tokens also work).
func serverTLS(cfg config) (*tls.Config, error) {
	if cfg.tlsCert == "" && cfg.tlsKey == "" {
		if cfg.tlsClientCA != "" {
			return nil, errors.New("--tls-client-ca needs --tls-cert and --tls-key")
		}
		return nil, nil
	}
	if cfg.tlsCert == "" || cfg.tlsKey == "" {
		return nil, errors.New("TLS needs both --tls-cert and --tls-key")
	}
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
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

// grpcOptions are the transport settings of the gRPC server: TLS and limits.
func grpcOptions(cfg config) ([]grpc.ServerOption, error) {
	tc, err := serverTLS(cfg)
	if err != nil {
		return nil, err
	}
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.maxRecvMsgSize),
		grpc.MaxConcurrentStreams(uint32(min(cfg.maxConcurrentStreams, math.MaxUint32))),
		// Clients may ping idle connections (they keep them through load
		// balancers), but not more often than keepaliveMinTime.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: cfg.keepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: cfg.keepaliveTime, Timeout: cfg.keepaliveTimeout}),
	}
	if tc != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tc)))
	}
	return opts, nil
}
