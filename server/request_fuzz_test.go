package server_test

import (
	"context"
	"encoding/hex"
	"hash/fnv"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	ts "github.com/interlog/interlog/internal/testserver"
)

// FuzzRequest sends arbitrary bytes as the request of every unary RPC to a
// real server, through a client that does not check them, so the server does
// all the decoding: whatever arrives, the answer is never INTERNAL (nor
// UNKNOWN, nor a missed deadline), the server does not crash, and an
// INVALID_ARGUMENT for a request that decodes names at least one field.
// INTERLOG_FUZZ_ENGINE=mysql runs it against MySQL instead of SQLite.
func FuzzRequest(f *testing.F) {
	engine := os.Getenv("INTERLOG_FUZZ_ENGINE")
	if engine == "" {
		engine = "sqlite"
	}
	env := ts.Start(f, engine, ts.Options{})
	seedData(f, env)
	methods := ts.UnaryMethods()
	for _, m := range methods {
		name := strings.TrimPrefix(m.FullName, "/interlog.v1.")
		f.Add(name, []byte{})
		f.Add(name, sampleRequest(m.Desc.Input()))
	}
	f.Fuzz(func(t *testing.T, method string, wire []byte) {
		m := pickMethod(methods, method)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := env.InvokeRaw(ctx, m.FullName, wire)
		checkAnswer(t, m, wire, err)
	})
}

// pickMethod finds a method by its name without "/interlog.v1.", or maps any
// other string to one, so that every input exercises some method.
func pickMethod(methods []ts.Method, name string) ts.Method {
	for _, m := range methods {
		if m.FullName == "/interlog.v1."+name {
			return m
		}
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return methods[h.Sum32()%uint32(len(methods))]
}

// invalidInputReasons are the ErrorInfo reasons an INVALID_ARGUMENT may carry.
var invalidInputReasons = map[string]bool{
	"INVALID_FIELD": true, "INVALID_PAGE_TOKEN": true, "SALESPERSON_REQUIRED": true, "REQUEST_ID_REUSED": true,
}

// checkAnswer fails the test on an answer that hides a server fault or on bad
// input that is not reported as such.
func checkAnswer(t *testing.T, m ts.Method, wire []byte, err error) {
	t.Helper()
	switch {
	case hidesFault(err):
		t.Fatalf("%s answered %v to request %s", m.FullName, err, describe(m, wire))
	case status.Code(err) == codes.InvalidArgument:
		if !invalidInputReasons[ts.Reason(err)] {
			t.Fatalf("%s answered %v (reason %q) to request %s, want a reason for invalid input", m.FullName, err, ts.Reason(err), describe(m, wire))
		}
		if decodesOrBadUTF8(m, wire) && !namesAField(err) {
			t.Fatalf("%s answered %v to request %s, with no field violation", m.FullName, err, describe(m, wire))
		}
	}
}

// hidesFault reports whether err is what a server answers when something
// went wrong on its side (or it hung), rather than with the request.
func hidesFault(err error) bool {
	switch status.Code(err) {
	case codes.Internal, codes.Unknown, codes.DeadlineExceeded, codes.Unavailable:
		return true
	}
	return false
}

// decodesOrBadUTF8 reports whether wire is the request message, or would be
// but for a string that is not UTF-8: then the server can name a field.
func decodesOrBadUTF8(m ts.Method, wire []byte) bool {
	err := proto.Unmarshal(wire, dynamicpb.NewMessage(m.Desc.Input()))
	return err == nil || strings.Contains(err.Error(), "UTF-8")
}

func namesAField(err error) bool {
	for _, f := range ts.Violations(err) {
		if f != "" {
			return true
		}
	}
	return false
}

func describe(m ts.Method, wire []byte) string {
	msg := dynamicpb.NewMessage(m.Desc.Input())
	if err := proto.Unmarshal(wire, msg); err != nil {
		return hex.EncodeToString(wire) + " (" + err.Error() + ")"
	}
	return hex.EncodeToString(wire) + " = {" + msg.String() + "}"
}

// seedData gives the fuzzer a group and a template to find.
func seedData(tb testing.TB, env *ts.Env) {
	createGroup(tb, env, "G")
	createTemplate(tb, env, "G", "G")
}

// sampleRequest is a request of type md with every field set to a small
// plausible value, two levels deep, as a seed for mutation.
func sampleRequest(md protoreflect.MessageDescriptor) []byte {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		panic(err)
	}
	msg := mt.New()
	fill(msg, 2)
	b, err := proto.Marshal(msg.Interface())
	if err != nil {
		panic(err)
	}
	return b
}

func fill(m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if o := fd.ContainingOneof(); fd.IsMap() || (o != nil && m.WhichOneof(o) != nil) {
			continue
		}
		switch {
		case fd.IsList():
			list := m.Mutable(fd).List()
			v := list.NewElement()
			if fd.Message() != nil {
				fill(v.Message(), depth-1)
			} else {
				v = scalar(fd)
			}
			list.Append(v)
		case fd.Message() != nil:
			if depth > 0 {
				fill(m.Mutable(fd).Message(), depth-1)
			}
		default:
			m.Set(fd, scalar(fd))
		}
	}
}

func scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if fd.Name() == "name" || fd.Name() == "parent" {
			return protoreflect.ValueOfString("interactionGroups/G")
		}
		return protoreflect.ValueOfString("G")
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte("G"))
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(1)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(1)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(1)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(1)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(1)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(1)
	}
	return protoreflect.ValueOfInt64(1)
}
