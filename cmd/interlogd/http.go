package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"connectrpc.com/vanguard"
	"connectrpc.com/vanguard/vanguardgrpc"

	"github.com/interlog/interlog/server"
)

// serveHTTP serves the gRPC server's services on cfg.httpListen, if set, over
// Connect, gRPC-Web and Connect's JSON, for browsers and curl: HTTP/1.1, and
// HTTP/2 too (over TLS when the gRPC port has it, else cleartext h2c, which
// client-streaming calls need). vanguard translates each call to gRPC and
// hands it to the same grpc.Server, so its interceptors (authentication,
// roles, validation, access log, metrics), message size limit and errors
// are those of the gRPC port. It returns the function that stops it.
func serveHTTP(cfg config, srv *server.Server, certs *tlsFiles, log *slog.Logger) (stop func(), err error) {
	if cfg.httpListen == "" {
		return func() {}, nil
	}
	transcoder, err := vanguardgrpc.NewTranscoder(srv.GRPC, vanguard.WithDefaultServiceOptions(
		vanguard.WithMaxMessageBufferBytes(uint32(cfg.maxRecvMsgSize)),
	))
	if err != nil {
		return nil, fmt.Errorf("--http-listen: %w", err)
	}
	lis, err := net.Listen("tcp", cfg.httpListen)
	if err != nil {
		return nil, fmt.Errorf("--http-listen: %w", err)
	}
	hs := &http.Server{
		Handler:           transcoder,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       cfg.keepaliveTime,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: int(cfg.maxConcurrentStreams)},
		Protocols:         new(http.Protocols),
	}
	hs.Protocols.SetHTTP1(true)
	hs.Protocols.SetHTTP2(true)
	scheme := "http"
	if certs != nil {
		scheme = "https"
		lis = tlsListener(lis, certs)
	} else {
		hs.Protocols.SetUnencryptedHTTP2(true)
	}
	go func() {
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP listener stopped", "error", err.Error())
		}
	}()
	log.Info("HTTP serving", "address", scheme+"://"+lis.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}

// tlsListener puts the gRPC port's TLS (reloaded on SIGHUP as there) on lis,
// offering HTTP/2 and HTTP/1.1.
func tlsListener(lis net.Listener, certs *tlsFiles) net.Listener {
	tc := certs.serverConfig()
	current := tc.GetConfigForClient
	tc.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		c, err := current(hello)
		if err != nil {
			return nil, err
		}
		c = c.Clone()
		c.NextProtos = []string{"h2", "http/1.1"}
		return c, nil
	}
	return tls.NewListener(lis, tc)
}
