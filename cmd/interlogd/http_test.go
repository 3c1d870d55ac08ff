package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	"github.com/interlog/interlog/internal/testdb"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
)

// These tests call the --http-listen port with curl, as the README shows:
// Connect's JSON for unary calls and its enveloped JSON for a server stream.

// httpDaemon starts interlogd with a token file naming an admin and a viewer
// (and the client certificate reporting.internal as a viewer), and the HTTP
// port on; it returns the daemon, the HTTP base URL and the two
// tokens.
func httpDaemon(t *testing.T, extra ...string) (d *ts.Daemon, base, admin, viewer string) {
	t.Helper()
	admin, adminLine := tokenLine(t, "ada", server.RoleAdmin)
	viewer, viewerLine := tokenLine(t, "vic", server.RoleViewer)
	path := filepath.Join(t.TempDir(), "tokens")
	lines := adminLine + "\n" + viewerLine + "\ncert:reporting.internal viewer\n"
	ts.NoErr(t, os.WriteFile(path, []byte(lines), 0o600))
	d = ts.StartDaemon(t, append([]string{"--token-file", path, "--http-listen", "127.0.0.1:0"}, extra...)...)
	base, _ = d.Logs.Wait(t, "HTTP serving")["address"].(string)
	return d, base, admin, viewer
}

// curlResult is what curl printed: the HTTP status and version and the body.
type curlResult struct {
	status      int
	httpVersion string
	body        []byte
}

// curl posts body to base/method with the content type and bearer token
// (none when empty), and curl's extra arguments.
func curl(t *testing.T, base, method, contentType, token string, body []byte, extra ...string) curlResult {
	t.Helper()
	args := append([]string{"-sS", "--data-binary", "@-", "-H", "Content-Type: " + contentType, "-w", "\n%{http_code} %{http_version}"}, extra...)
	if contentType == "application/json" {
		args = append(args, "-H", "Connect-Protocol-Version: 1")
	}
	if token != "" {
		args = append(args, "-H", "Authorization: Bearer "+token)
	}
	cmd := exec.Command("curl", append(args, base+"/"+method)...)
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.Output()
	ts.NoErr(t, err)
	cut := bytes.LastIndexByte(out, '\n')
	code, version, _ := strings.Cut(string(out[cut+1:]), " ")
	status, err := strconv.Atoi(code)
	ts.NoErr(t, err)
	return curlResult{status: status, httpVersion: version, body: out[:cut]}
}

// connectError is the JSON body of a failed Connect call.
type connectError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"details"`
}

// wantError checks a failed call's HTTP status, Connect code and ErrorInfo
// reason, and returns its BadRequest field names.
func wantError(t *testing.T, res curlResult, status int, code, reason string) (fields []string) {
	t.Helper()
	var ce connectError
	if err := json.Unmarshal(res.body, &ce); err != nil || res.status != status || ce.Code != code {
		t.Fatalf("got HTTP %d %s, want HTTP %d with code %q", res.status, res.body, status, code)
	}
	var info errdetails.ErrorInfo
	for _, d := range ce.Details {
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(d.Value, "="))
		ts.NoErr(t, err)
		switch d.Type {
		case "google.rpc.ErrorInfo":
			ts.NoErr(t, proto.Unmarshal(raw, &info))
		case "google.rpc.BadRequest":
			var br errdetails.BadRequest
			ts.NoErr(t, proto.Unmarshal(raw, &br))
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	if info.GetReason() != reason || info.GetDomain() != "interlog" {
		t.Fatalf("ErrorInfo %s/%s, want interlog/%s (%s)", info.GetDomain(), info.GetReason(), reason, res.body)
	}
	return fields
}

func TestHTTPJSONWithCurl(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			_, base, admin, viewer := httpDaemon(t, "--database", testdb.URL(t, engine), "--migrate")
			httpJSONCalls(t, base, admin, viewer)
		})
	}
}

// httpJSONCalls: refusals with their details, then a create, a list and a
// read of a group that does not exist.
func httpJSONCalls(t *testing.T, base, admin, viewer string) {
	const create = "interlog.v1.InteractionGroupService/CreateInteractionGroup"
	good := []byte(`{"interaction_group": {"code": "MEETING", "description": "Meetings"}}`)

	wantError(t, curl(t, base, create, "application/json", "", good), 401, "unauthenticated", "CREDENTIALS_MISSING")
	wantError(t, curl(t, base, create, "application/json", "not-a-token", good), 401, "unauthenticated", "CREDENTIALS_INVALID")
	wantError(t, curl(t, base, create, "application/json", viewer, good), 403, "permission_denied", "ROLE_INSUFFICIENT")
	fields := wantError(t, curl(t, base, create, "application/json", admin, []byte(`{"interactionGroup": {"code": "not a code!"}}`)),
		400, "invalid_argument", "INVALID_FIELD")
	if len(fields) != 1 || fields[0] != "interaction_group.code" {
		t.Fatalf("BadRequest fields %v, want [interaction_group.code]", fields)
	}

	res := curl(t, base, create, "application/json", admin, good)
	var created apiv1.CreateInteractionGroupResponse
	ts.NoErr(t, protojson.Unmarshal(res.body, &created))
	if res.status != 200 || created.GetInteractionGroup().GetName() != "interactionGroups/MEETING" {
		t.Fatalf("create: HTTP %d %s", res.status, res.body)
	}
	res = curl(t, base, "interlog.v1.InteractionGroupService/ListInteractionGroups", "application/json", viewer, []byte(`{}`))
	var listed apiv1.ListInteractionGroupsResponse
	ts.NoErr(t, protojson.Unmarshal(res.body, &listed))
	if res.status != 200 || len(listed.GetInteractionGroups()) != 1 {
		t.Fatalf("list: HTTP %d %s", res.status, res.body)
	}
	wantError(t, curl(t, base, "interlog.v1.InteractionGroupService/GetInteractionGroup", "application/json", viewer,
		[]byte(`{"name": "interactionGroups/NOPE"}`)), 404, "not_found", "NOT_FOUND")
}

func TestHTTPRefusesWhatTheGRPCPortRefuses(t *testing.T) {
	_, base, admin, _ := httpDaemon(t, "--max-recv-msg-size", "65536")
	big := []byte(`{"interaction_group": {"code": "BIG", "description": "` + strings.Repeat("x", 70_000) + `"}}`)
	res := curl(t, base, "interlog.v1.InteractionGroupService/CreateInteractionGroup", "application/json", admin, big)
	var ce connectError
	if err := json.Unmarshal(res.body, &ce); err != nil || ce.Code != "resource_exhausted" {
		t.Fatalf("a request over --max-recv-msg-size: HTTP %d %s, want resource_exhausted", res.status, res.body)
	}
}

// envelope frames msg as one message of a Connect stream.
func envelope(msg []byte) []byte {
	frame := make([]byte, 5, 5+len(msg))
	binary.BigEndian.PutUint32(frame[1:], uint32(len(msg)))
	return append(frame, msg...)
}

// frames splits a Connect stream into its messages; the last one, flagged
// end-of-stream, is returned apart.
func frames(t *testing.T, stream []byte) (msgs [][]byte, end []byte) {
	t.Helper()
	for len(stream) > 0 {
		if len(stream) < 5 {
			t.Fatalf("a stream frame cut short: %d bytes", len(stream))
		}
		flags, size := stream[0], int(binary.BigEndian.Uint32(stream[1:5]))
		if len(stream) < 5+size {
			t.Fatalf("a stream frame of %d bytes with %d left", size, len(stream)-5)
		}
		msg := stream[5 : 5+size]
		stream = stream[5+size:]
		if flags&2 != 0 {
			return msgs, msg
		}
		msgs = append(msgs, msg)
	}
	t.Fatal("the stream has no end-of-stream frame")
	return nil, nil
}

func TestHTTPServerStreamingDownloadWithCurl(t *testing.T) {
	d, base, admin, viewer := httpDaemon(t)
	content := make([]byte, 3<<20)
	_, _ = rand.Read(content)
	ctx, cancel := callContext(admin)
	defer cancel()
	att, err := attachclient.Upload(ctx, apiv1.NewAttachmentServiceClient(d.Dial(t)), "notes.bin", "application/octet-stream", "",
		bytes.NewReader(content))
	ts.NoErr(t, err)

	req := envelope([]byte(`{"name": "` + att.GetName() + `"}`))
	res := curl(t, base, "interlog.v1.AttachmentService/DownloadAttachment", "application/connect+json", viewer, req)
	msgs, end := frames(t, res.body)
	if res.status != 200 || streamError(t, end) != nil {
		t.Fatalf("download: HTTP %d, end of stream %q", res.status, end)
	}
	sum := sha256.New()
	var meta *apiv1.Attachment
	for _, m := range msgs {
		var part apiv1.DownloadAttachmentResponse
		ts.NoErr(t, protojson.Unmarshal(m, &part))
		if part.GetMetadata() != nil {
			meta = part.GetMetadata()
		}
		sum.Write(part.GetChunk())
	}
	want := sha256.Sum256(content)
	if got := hex.EncodeToString(sum.Sum(nil)); got != hex.EncodeToString(want[:]) || meta.GetSha256() != got || len(msgs) < 3 {
		t.Fatalf("downloaded SHA-256 %s in %d messages, metadata says %s, uploaded %x", got, len(msgs), meta.GetSha256(), want)
	}

	// An error in a stream comes in the end-of-stream frame, with its details.
	res = curl(t, base, "interlog.v1.AttachmentService/DownloadAttachment", "application/connect+json", viewer,
		envelope([]byte(`{"name": "attachments/999"}`)))
	_, end = frames(t, res.body)
	wantError(t, curlResult{status: res.status, body: streamError(t, end)}, 200, "not_found", "ATTACHMENT_NOT_FOUND")
}

// streamError is the error of a Connect stream's end-of-stream message, nil
// when the stream ended well.
func streamError(t *testing.T, end []byte) json.RawMessage {
	t.Helper()
	var trailer struct {
		Error json.RawMessage `json:"error"`
	}
	ts.NoErr(t, json.Unmarshal(end, &trailer))
	return trailer.Error
}

// TestHTTPWithTLSAndClientCertificates: with the TLS flags the HTTP port
// speaks TLS with the gRPC port's certificate, offers HTTP/2, and takes a
// client certificate as the credential it is on the gRPC port.
func TestHTTPWithTLSAndClientCertificates(t *testing.T) {
	ca := newCA(t, "test CA")
	cert, key := ca.leaf(t, "interlog.internal", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.leaf(t, "reporting.internal", x509.ExtKeyUsageClientAuth)
	_, base, admin, _ := httpDaemon(t, "--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca.certFile(t))
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("HTTP port at %s, want https", base)
	}
	trust := []string{"--cacert", ca.certFile(t)} // the certificate names 127.0.0.1
	withCert := append([]string{"--cert", clientCert, "--key", clientKey}, trust...)
	const list = "interlog.v1.InteractionGroupService/ListInteractionGroups"

	res := curl(t, base, list, "application/json", admin, []byte(`{}`), trust...)
	if res.status != 200 || res.httpVersion != "2" {
		t.Fatalf("a token over TLS: HTTP/%s %d %s, want HTTP/2 200", res.httpVersion, res.status, res.body)
	}
	wantError(t, curl(t, base, list, "application/json", "", []byte(`{}`), trust...), 401, "unauthenticated", "CREDENTIALS_MISSING")
	res = curl(t, base, list, "application/json", "", []byte(`{}`), withCert...)
	if res.status != 200 {
		t.Fatalf("a viewer's client certificate: HTTP %d %s", res.status, res.body)
	}
	wantError(t, curl(t, base, "interlog.v1.InteractionGroupService/CreateInteractionGroup", "application/json", "",
		[]byte(`{"interaction_group": {"code": "CERT"}}`), withCert...), 403, "permission_denied", "ROLE_INSUFFICIENT")
}
