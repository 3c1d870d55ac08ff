// Command interlog-attachment uploads a file to interlog as an attachment,
// or downloads one, streaming it in chunks (grpcurl cannot stream a file from
// disk conveniently).
//
//	interlog-attachment upload [flags] FILE     prints the new attachment as JSON
//	interlog-attachment download [flags] NAME   writes the content to -o (default stdout)
//
// NAME is a resource name such as attachments/12.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "interlog-attachment:", err)
		os.Exit(1)
	}
}

// connFlags are the flags of every subcommand.
type connFlags struct {
	addr, token, caCert string
	plaintext           bool
}

func (c *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", envOr("INTERLOG_ADDR", "127.0.0.1:50051"), "server address (INTERLOG_ADDR)")
	fs.BoolVar(&c.plaintext, "plaintext", false, "connect without TLS, like grpcurl -plaintext")
	fs.StringVar(&c.caCert, "cacert", "", "PEM file of the CA that signed the server certificate (default: system roots)")
	fs.StringVar(&c.token, "token", os.Getenv("INTERLOG_TOKEN"), "bearer token (INTERLOG_TOKEN)")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "upload" && args[0] != "download") {
		return errors.New("usage: interlog-attachment upload [flags] FILE | download [flags] NAME (-h for flags)")
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("interlog-attachment "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var conn connFlags
	conn.register(fs)
	contentType := fs.String("content-type", "", "upload: MIME type (default: guessed from the file extension)")
	requestID := fs.String("request-id", "", "upload: UUID that makes a retry return the first result")
	out := fs.String("o", "-", "download: output file, - for stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%s takes exactly one argument, got %d", cmd, fs.NArg())
	}
	cc, err := conn.dial()
	if err != nil {
		return err
	}
	defer cc.Close()
	client := apiv1.NewAttachmentServiceClient(cc)
	if cmd == "upload" {
		return uploadFile(ctx, client, fs.Arg(0), *contentType, *requestID, stdout)
	}
	return downloadFile(ctx, client, fs.Arg(0), *out, stdout)
}

func uploadFile(ctx context.Context, c apiv1.AttachmentServiceClient, path, contentType, requestID string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if contentType == "" {
		contentType = mime.TypeByExtension(filepath.Ext(path))
	}
	a, err := attachclient.Upload(ctx, c, filepath.Base(path), contentType, requestID, f)
	if err != nil {
		return err
	}
	b, err := protojson.MarshalOptions{Multiline: true}.Marshal(a)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(b))
	return err
}

func downloadFile(ctx context.Context, c apiv1.AttachmentServiceClient, name, out string, stdout io.Writer) error {
	w := stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if _, err := attachclient.Download(ctx, c, name, w); err != nil {
		if out != "-" {
			_ = os.Remove(out) // never leave a partial file that looks complete
		}
		return err
	}
	return nil
}

// dial connects with TLS (or without, with -plaintext) and sends the token
// with every call.
func (c connFlags) dial() (*grpc.ClientConn, error) {
	creds := insecure.NewCredentials()
	if !c.plaintext {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if c.caCert != "" {
			pem, err := os.ReadFile(c.caCert)
			if err != nil {
				return nil, err
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("-cacert %s: no PEM certificate found", c.caCert)
			}
		}
		creds = credentials.NewTLS(cfg)
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	if c.token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: c.token, secure: !c.plaintext}))
	}
	return grpc.NewClient(c.addr, opts...)
}

// bearer sends "authorization: Bearer <token>".
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.secure }

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}
