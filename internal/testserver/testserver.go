// Package testserver runs a real interlog gRPC server on a loopback socket
// over a fresh database, and gives tests clients for every service.
package testserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/faultdb"
	"github.com/interlog/interlog/internal/testdb"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// Env is one running server with its store and clients.
type Env struct {
	Engine      string
	URL         string
	Store       *store.Store
	Server      *server.Server
	Addr        string
	Conn        *grpc.ClientConn
	Groups      apiv1.InteractionGroupServiceClient
	Templates   apiv1.InteractionTemplateServiceClient
	Contacts    apiv1.ContactServiceClient
	Log         apiv1.InteractionLogServiceClient
	Segments    apiv1.SegmentServiceClient
	Attachments apiv1.AttachmentServiceClient
	Changes     apiv1.ChangeServiceClient
}

// Options adjust the server a test gets.
type Options struct {
	// Server is passed to server.New; Logger defaults to discarding.
	Server server.Options
	// Store is passed to store.Open.
	Store store.Options
	// URL uses this database instead of an empty, migrated one of the engine.
	URL string
}

// databases are the migrated databases that Start reuses from test to test (a fresh one
// costs seconds of DDL on TiDB).
var databases = testdb.NewPool(func(url string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Migrate(ctx)
})

// ForEachEngine runs fn as a subtest on SQLite and on MySQL, each with its
// own fresh server and database.
func ForEachEngine(t *testing.T, fn func(t *testing.T, env *Env)) {
	t.Helper()
	ForEachEngineWith(t, Options{}, fn)
}

// ForEachEngineWith is ForEachEngine with servers started with opts.
func ForEachEngineWith(t *testing.T, opts Options, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, Start(t, engine, opts))
		})
	}
}

// Start serves an empty, migrated database of the engine on 127.0.0.1 and dials it.
// Everything is closed at the end of the test; the database goes back to the pool of
// databases (its rows deleted) when the test passed, and is dropped when it failed.
func Start(t testing.TB, engine string, opts Options) *Env {
	t.Helper()
	url := opts.URL
	if url == "" {
		url = databases.URL(t, engine)
	}
	ctx := context.Background()
	// INTERLOG_TEST_FAULT_RATE: the server's store gets random deadlocks.
	rate, seed, randomFaults := faultdb.RandomFromEnv(t)
	random := faultdb.New()
	if randomFaults && opts.Store.WrapConnector == nil {
		opts.Store.WrapConnector = random.Wrap
	}
	st, err := store.Open(ctx, url, opts.Store)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if randomFaults {
		random.InjectRandomlyFor(t, rate, seed)
	}
	if opts.Server.Logger == nil {
		opts.Server.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(st, opts.Server)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() { _ = srv.GRPC.Serve(lis) }()
	t.Cleanup(func() {
		srv.Close()
		stopped := make(chan struct{})
		go func() { srv.GRPC.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			srv.GRPC.Stop()
		}
	})
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &Env{
		Engine: engine, URL: url, Store: st, Server: srv, Addr: lis.Addr().String(), Conn: conn,
		Groups:      apiv1.NewInteractionGroupServiceClient(conn),
		Templates:   apiv1.NewInteractionTemplateServiceClient(conn),
		Contacts:    apiv1.NewContactServiceClient(conn),
		Log:         apiv1.NewInteractionLogServiceClient(conn),
		Segments:    apiv1.NewSegmentServiceClient(conn),
		Attachments: apiv1.NewAttachmentServiceClient(conn),
		Changes:     apiv1.NewChangeServiceClient(conn),
	}
}

// Bearer returns ctx with the header "authorization: Bearer <token>" for
// outgoing calls.
func Bearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}
