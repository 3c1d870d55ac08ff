package server_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	ts "github.com/interlog/interlog/internal/testserver"
)

// badString is a request that puts bytes that are not UTF-8 in one string field.
type badString struct {
	path string
	wire []byte
}

// badStrings returns one request per string field of md reachable within
// depth levels of nesting.
func badStrings(md protoreflect.MessageDescriptor, depth int) []badString {
	var out []badString
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if fd.IsList() {
			name += "[0]"
		}
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsMap():
			out = append(out, badString{name, lengthDelimited(fd.Number(), []byte("ok \xff\xfe"))})
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap() && depth > 1:
			for _, inner := range badStrings(fd.Message(), depth-1) {
				out = append(out, badString{name + "." + inner.path, lengthDelimited(fd.Number(), inner.wire)})
			}
		}
	}
	return out
}

func lengthDelimited(num protowire.Number, value []byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, value)
}

// Strings that are not UTF-8 cannot be decoded by the Go protobuf runtime;
// the server must still answer INVALID_ARGUMENT naming the field, on every
// method, implemented or not.
func TestInvalidUTF8IsInvalidArgument(t *testing.T) {
	env := ts.Start(t, "sqlite", ts.Options{})
	ctx := context.Background()
	checked := 0
	for _, m := range ts.UnaryMethods() {
		for _, c := range badStrings(m.Desc.Input(), 3) {
			_, err := env.InvokeRaw(ctx, m.FullName, c.wire)
			if status.Code(err) != codes.InvalidArgument || !slices.Contains(ts.Violations(err), c.path) {
				t.Errorf("%s with invalid UTF-8 in %s: got %v (violations %v), want INVALID_ARGUMENT naming %s",
					m.FullName, c.path, err, ts.Violations(err), c.path)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d string fields checked: are the services registered?", checked)
	}
	t.Logf("%d string fields checked", checked)
}

// Broken wire format is INVALID_ARGUMENT too, naming the field when the fault
// lies inside one; the server keeps serving.
func TestBrokenWireFormatIsInvalidArgument(t *testing.T) {
	env := ts.Start(t, "sqlite", ts.Options{})
	ctx := context.Background()
	const create = "/interlog.v1.InteractionGroupService/CreateInteractionGroup"
	cases := []struct {
		name  string
		wire  []byte
		field string // "" when no field is to blame
	}{
		{"bad tag", []byte{0xff}, ""},
		{"field 0", []byte{0x02, 0x00}, ""},
		{"length beyond the end", []byte{0x0a, 0x05, 'a', 'b'}, "interaction_group"},
		{"nested length beyond the end", []byte{0x0a, 0x02, 0x1a, 0x05}, "interaction_group.description"},
		{"overlong varint", append([]byte{0x10}, bytes.Repeat([]byte{0xff}, 10)...), "request_id"},
		{"unknown field cut short", []byte{0xfa, 0x01, 0x09}, ""},
	}
	for _, c := range cases {
		_, err := env.InvokeRaw(ctx, create, c.wire)
		if status.Code(err) != codes.InvalidArgument || ts.Reason(err) != "INVALID_FIELD" {
			t.Errorf("%s: got %v, want INVALID_ARGUMENT with reason INVALID_FIELD", c.name, err)
			continue
		}
		if c.field != "" && !slices.Contains(ts.Violations(err), c.field) {
			t.Errorf("%s: violations %v, want %s", c.name, ts.Violations(err), c.field)
		}
	}
	_, err := env.Groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
		InteractionGroup: &apiv1.InteractionGroup{Code: "AFTER"},
	})
	ts.NoErr(t, err)
}

// Streamed messages go through the same decoding: invalid UTF-8 in an upload's
// metadata is INVALID_ARGUMENT naming the field.
func TestInvalidUTF8InStreamIsInvalidArgument(t *testing.T) {
	env := ts.Start(t, "sqlite", ts.Options{})
	metadata := lengthDelimited(1, lengthDelimited(2, []byte("report\xff.pdf")))
	_, err := env.StreamRaw(context.Background(), "/interlog.v1.AttachmentService/UploadAttachment", metadata, lengthDelimited(2, []byte("data")))
	ts.WantInvalid(t, err, "metadata.file_name")
}
