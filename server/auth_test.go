package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// principals is one token per role, written to a token file by authOptions.
type principals struct {
	viewer, editor, admin string
}

// authOptions writes a token file granting vera viewer, ed editor and ada
// admin, and returns server options that use it, logging into logs.
func authOptions(t *testing.T, logs io.Writer) (ts.Options, principals) {
	t.Helper()
	var p principals
	var lines []string
	for _, g := range []struct {
		name  string
		role  server.Role
		token *string
	}{{"vera", server.RoleViewer, &p.viewer}, {"ed", server.RoleEditor, &p.editor}, {"ada", server.RoleAdmin, &p.admin}} {
		token, line, err := server.NewToken(g.name, g.role)
		ts.NoErr(t, err)
		*g.token = token
		lines = append(lines, line)
	}
	path := filepath.Join(t.TempDir(), "tokens")
	ts.NoErr(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	tokens, err := server.LoadTokenFile(path)
	ts.NoErr(t, err)
	return ts.Options{Server: server.Options{Tokens: tokens, Logger: slog.New(slog.NewJSONHandler(logs, nil))}}, p
}

// allMethods lists every RPC of the API.
func allMethods(t *testing.T) []ts.Method {
	methods := ts.Methods()
	if len(methods) < 60 {
		t.Fatalf("found only %d methods", len(methods))
	}
	return methods
}

func newMessage(t *testing.T, d protoreflect.MessageDescriptor) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(d.FullName())
	ts.NoErr(t, err)
	return mt.New().Interface()
}

// callEmpty calls m with an empty request (one empty message for a
// client stream) and returns the call's error.
func callEmpty(ctx context.Context, t *testing.T, conn *grpc.ClientConn, m ts.Method) error {
	req, resp := newMessage(t, m.Desc.Input()), newMessage(t, m.Desc.Output())
	if !m.Desc.IsStreamingClient() && !m.Desc.IsStreamingServer() {
		return conn.Invoke(ctx, m.FullName, req, resp)
	}
	desc := &grpc.StreamDesc{ClientStreams: m.Desc.IsStreamingClient(), ServerStreams: m.Desc.IsStreamingServer()}
	stream, err := conn.NewStream(ctx, desc, m.FullName)
	if err != nil {
		return err
	}
	if err := stream.SendMsg(req); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	if err := stream.RecvMsg(resp); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// TestEveryMethodNeedsItsRole calls every RPC with no token, a bad token, a
// malformed header and a token of each role, and checks the answer against
// the role table: refused below the method's role, let through at or above.
func TestEveryMethodNeedsItsRole(t *testing.T) {
	opts, p := authOptions(t, io.Discard)
	callers := []struct {
		name   string
		ctx    func(context.Context) context.Context
		role   server.Role
		code   codes.Code // for callers without a valid token
		reason string
	}{
		{"no token", func(c context.Context) context.Context { return c }, server.RoleNone, codes.Unauthenticated, "CREDENTIALS_MISSING"},
		{"bad token", func(c context.Context) context.Context { return ts.Bearer(c, "not-a-token") }, server.RoleNone, codes.Unauthenticated, "CREDENTIALS_INVALID"},
		{"basic auth", func(c context.Context) context.Context {
			return metadata.AppendToOutgoingContext(c, "authorization", "Basic YWRhOnNlY3JldA==")
		}, server.RoleNone, codes.Unauthenticated, "CREDENTIALS_INVALID"},
		{"viewer", func(c context.Context) context.Context { return ts.Bearer(c, p.viewer) }, server.RoleViewer, 0, ""},
		{"editor", func(c context.Context) context.Context { return ts.Bearer(c, p.editor) }, server.RoleEditor, 0, ""},
		{"admin", func(c context.Context) context.Context { return ts.Bearer(c, p.admin) }, server.RoleAdmin, 0, ""},
	}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		for _, m := range allMethods(t) {
			need, ok := server.RoleOf(m.FullName)
			if !ok {
				t.Errorf("%s has no role", m.FullName)
				continue
			}
			for _, c := range callers {
				ctx, cancel := context.WithTimeout(c.ctx(context.Background()), 10*time.Second)
				err := callEmpty(ctx, t, env.Conn, m)
				cancel()
				switch {
				case c.role == server.RoleNone:
					wantCode(t, m.FullName+" "+c.name, err, c.code, c.reason)
				case c.role < need:
					wantCode(t, m.FullName+" "+c.name, err, codes.PermissionDenied, "ROLE_INSUFFICIENT")
				default:
					if code := status.Code(err); code == codes.Unauthenticated || code == codes.PermissionDenied {
						t.Errorf("%s as %s (needs %s): refused: %v", m.FullName, c.name, need, err)
					}
				}
			}
		}
	})
}

func wantCode(t *testing.T, what string, err error, code codes.Code, reason string) {
	t.Helper()
	if status.Code(err) != code || ts.Reason(err) != reason {
		t.Errorf("%s: got %v (reason %q), want %v %s", what, err, ts.Reason(err), code, reason)
	}
}

// TestPublicServicesNeedNoToken: load balancers and grpcurl use health and
// reflection before they have any credentials.
func TestPublicServicesNeedNoToken(t *testing.T) {
	opts, _ := authOptions(t, io.Discard)
	env := ts.Start(t, "sqlite", opts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := healthpb.NewHealthClient(env.Conn).Check(ctx, &healthpb.HealthCheckRequest{})
	ts.NoErr(t, err)

	stream, err := reflectionpb.NewServerReflectionClient(env.Conn).ServerReflectionInfo(ctx)
	ts.NoErr(t, err)
	ts.NoErr(t, stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}))
	resp, err := stream.Recv()
	ts.NoErr(t, err)
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	if !strings.Contains(strings.Join(names, " "), "interlog.v1.InteractionGroupService") {
		t.Fatalf("reflection lists %v, want the interlog services", names)
	}
}

// TestPrincipalIsRecordedAndLogged: the token's principal is the user_id of
// the rows it writes and appears in the access log, also for refused calls.
func TestPrincipalIsRecordedAndLogged(t *testing.T) {
	logs := &syncBuffer{}
	opts, p := authOptions(t, logs)
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		_, err := env.Groups.CreateInteractionGroup(ts.Bearer(ctx, p.admin), &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: "CALLS"},
		})
		ts.NoErr(t, err)
		g, err := env.Store.GetGroup(ctx, "CALLS")
		ts.NoErr(t, err)
		if g.UserID != "ada" {
			t.Fatalf("user_id %q, want the principal ada", g.UserID)
		}
		wantLogged(t, logs, "CreateInteractionGroup", "ada", "OK")

		_, err = env.Groups.DeleteInteractionGroup(ts.Bearer(ctx, p.viewer), &apiv1.DeleteInteractionGroupRequest{Name: "interactionGroups/CALLS"})
		ts.WantCode(t, err, codes.PermissionDenied, "ROLE_INSUFFICIENT")
		wantLogged(t, logs, "DeleteInteractionGroup", "vera", "PermissionDenied")
	})
}

// wantLogged finds the access log line of method with the principal and code.
func wantLogged(t *testing.T, logs *syncBuffer, method, principal, code string) {
	t.Helper()
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "finished call" || rec["grpc.method"] != method {
			continue
		}
		if rec["principal"] == principal && rec["grpc.code"] == code && rec["request_id"] != "" {
			return
		}
	}
	t.Fatalf("no access log line for %s with principal %s and code %s in:\n%s", method, principal, code, logs.String())
}

// syncBuffer is a bytes.Buffer that the server's goroutines may write to
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
