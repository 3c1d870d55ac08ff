package server_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// TestHealthFollowsTheDatabase kills a private MariaDB under a running
// server: health turns NOT_SERVING and calls are UNAVAILABLE; when the
// database is back, health is SERVING again and calls work.
func TestHealthFollowsTheDatabase(t *testing.T) {
	db := testdb.PrivateMariaDB(t)
	env := ts.Start(t, "mysql", ts.Options{
		URL:    db.URL("interlog"),
		Server: server.Options{HealthInterval: 100 * time.Millisecond},
	})
	health := healthpb.NewHealthClient(env.Conn)
	list := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := env.Groups.ListInteractionGroups(ctx, &apiv1.ListInteractionGroupsRequest{})
		return err
	}
	waitHealth(t, health, healthpb.HealthCheckResponse_SERVING)
	ts.NoErr(t, list())

	db.Kill()
	waitHealth(t, health, healthpb.HealthCheckResponse_NOT_SERVING)
	ts.WantCode(t, list(), codes.Unavailable, "DATABASE_UNAVAILABLE")

	db.Start()
	waitHealth(t, health, healthpb.HealthCheckResponse_SERVING)
	ts.NoErr(t, list())
}

// waitHealth polls the overall and a service's health until both are want,
// for at most 30 seconds.
func waitHealth(t *testing.T, c healthpb.HealthClient, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		all, err1 := c.Check(context.Background(), &healthpb.HealthCheckRequest{})
		one, err2 := c.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "interlog.v1.InteractionLogService"})
		if err1 == nil && err2 == nil && all.GetStatus() == want && one.GetStatus() == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("health is %v / %v (%v, %v) after 30s, want %v", all.GetStatus(), one.GetStatus(), err1, err2, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
