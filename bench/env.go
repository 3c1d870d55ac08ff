package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"runtime"

	"github.com/go-sql-driver/mysql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/dburl"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// env is the system under measurement: a migrated MySQL database, the gRPC
// server over it on a loopback socket, clients, and a plain database/sql
// handle on the same database for the hand-written comparisons.
type env struct {
	cfg           config
	store         *store.Store
	serving       *serving
	conn          *grpc.ClientConn
	raw           *sql.DB
	serverVersion string

	groups    apiv1.InteractionGroupServiceClient
	templates apiv1.InteractionTemplateServiceClient
	contacts  apiv1.ContactServiceClient
	log       apiv1.InteractionLogServiceClient
	health    healthpb.HealthClient
}

// maxConns is the connection pool of the store and of the raw handle alike,
// so that both sides of a comparison have the same database concurrency.
const maxConns = 32

func startEnv(ctx context.Context, cfg config) (*env, error) {
	dbCfg, err := mysqlConfig(cfg.mysqlURL)
	if err != nil {
		return nil, err
	}
	if err := createDatabase(dbCfg); err != nil {
		return nil, err
	}
	e := &env{cfg: cfg}
	if e.store, err = store.Open(ctx, cfg.mysqlURL, store.Options{MaxOpenConns: maxConns}); err != nil {
		return nil, err
	}
	if err := e.store.Migrate(ctx); err != nil {
		return nil, err
	}
	if e.store.IsTiDB() {
		// The raw statements run with the session interlog sets on TiDB, so that
		// their shared locks are what the store's are.
		maps.Copy(dbCfg.Params, store.TiDBSession())
	}
	if e.raw, err = sql.Open("mysql", dbCfg.FormatDSN()); err != nil {
		return nil, err
	}
	e.raw.SetMaxOpenConns(maxConns)
	e.raw.SetMaxIdleConns(maxConns)
	if err := e.raw.QueryRowContext(ctx, "SELECT VERSION()").Scan(&e.serverVersion); err != nil {
		return nil, err
	}
	// Access logs are formatted as in production, then thrown away.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if e.serving, err = serve(e.store, server.Options{Logger: logger}); err != nil {
		return nil, err
	}
	e.connect()
	return e, nil
}

// connect makes the clients of e.serving's connection.
func (e *env) connect() {
	e.conn = e.serving.conn
	e.groups = apiv1.NewInteractionGroupServiceClient(e.conn)
	e.templates = apiv1.NewInteractionTemplateServiceClient(e.conn)
	e.contacts = apiv1.NewContactServiceClient(e.conn)
	e.log = apiv1.NewInteractionLogServiceClient(e.conn)
	e.health = healthpb.NewHealthClient(e.conn)
}

func (e *env) close() {
	if e.serving != nil {
		e.serving.close()
	}
	if e.raw != nil {
		_ = e.raw.Close()
	}
	if e.store != nil {
		_ = e.store.Close()
	}
}

// serving is a gRPC server on a loopback socket and a client connection to it.
type serving struct {
	server *server.Server
	conn   *grpc.ClientConn
}

// serve serves st with the server opts describe on 127.0.0.1 and dials it.
func serve(st *store.Store, opts server.Options) (*serving, error) {
	srv, err := server.New(st, opts)
	if err != nil {
		return nil, err
	}
	s := &serving{server: srv}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.close()
		return nil, err
	}
	go func() { _ = srv.GRPC.Serve(lis) }()
	if s.conn, err = grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials())); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *serving) close() {
	if s.conn != nil {
		_ = s.conn.Close()
	}
	s.server.Close()
	s.server.GRPC.Stop()
}

// mysqlConfig turns the -mysql URL into a driver configuration.
func mysqlConfig(rawURL string) (*mysql.Config, error) {
	cfg, err := dburl.ParseMySQL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("-mysql: %w", err)
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("-mysql %q: want mysql://user:pass@host:port/db", dburl.Redact(rawURL))
	}
	cfg.InterpolateParams = true
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	return cfg, nil
}

// createDatabase creates the database of cfg if it does not exist.
func createDatabase(cfg *mysql.Config) error {
	admin := cfg.Clone()
	admin.DBName = ""
	db, err := sql.Open("mysql", admin.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("CREATE DATABASE IF NOT EXISTS `" + cfg.DBName + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
	return err
}

func cpus() int { return runtime.NumCPU() }
