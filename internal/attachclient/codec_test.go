package attachclient

import (
	"bytes"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// countingPool records how many buffers came back.
type countingPool struct{ returned int }

func (p *countingPool) Get(n int) *[]byte { b := make([]byte, n); return &b }
func (p *countingPool) Put(*[]byte)       { p.returned++ }

// split cuts wire into buffers of the given sizes (the rest in the last),
// as gRPC hands a message over in its frames.
func split(wire []byte, pool mem.BufferPool, sizes ...int) mem.BufferSlice {
	var s mem.BufferSlice
	for _, n := range append(sizes, len(wire)-sum(sizes)) {
		// Room beyond the bytes: gRPC pools only buffers of 1 KiB or more.
		b := append(make([]byte, 0, n+4096), wire[:n]...)
		s, wire = append(s, mem.NewBuffer(&b, pool)), wire[n:]
	}
	return s
}

func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// receive is what gRPC does with a message: Unmarshal, then free the data.
func receive(t *testing.T, m *downloadMessage, data mem.BufferSlice) error {
	t.Helper()
	err := downloadCodec{}.Unmarshal(data, m)
	data.Free()
	return err
}

func chunkField(content []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, downloadChunkField, protowire.BytesType), content)
}

func TestDownloadCodecKeepsALoneChunkInGRPCsBuffers(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789"), 3000) // a two-byte length
	pool := &countingPool{}
	// The header is split across the first two buffers.
	data := split(chunkField(content), pool, 1, 10_000, 7)
	var m downloadMessage
	if err := receive(t, &m, data); err != nil {
		t.Fatal(err)
	}
	if m.wire == nil {
		t.Fatal("a lone chunk was decoded, not kept")
	}
	if pool.returned != 0 {
		t.Fatalf("%d buffers given back while the message is kept", pool.returned)
	}
	var out bytes.Buffer
	if err := m.writeChunk(&out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), content) {
		t.Fatalf("wrote %d bytes, not the %d of the chunk", out.Len(), len(content))
	}
	if pool.returned != len(data) {
		t.Fatalf("%d of %d buffers given back after writing", pool.returned, len(data))
	}
}

func TestDownloadCodecDecodesOtherMessages(t *testing.T) {
	meta, err := proto.Marshal(&apiv1.DownloadAttachmentResponse{Metadata: &apiv1.Attachment{FileName: "a.pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	unknown := protowire.AppendVarint(protowire.AppendTag(nil, 99, protowire.VarintType), 7)
	for _, tc := range []struct {
		name     string
		wire     []byte
		chunk    string
		fileName string
	}{
		{"metadata", meta, "", "a.pdf"},
		{"chunk then an unknown field", append(chunkField([]byte("abc")), unknown...), "abc", ""},
		{"chunk twice: the last one counts", append(chunkField([]byte("old")), chunkField([]byte("new"))...), "new", ""},
		{"empty message", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := &countingPool{}
			var m downloadMessage
			if err := receive(t, &m, split(tc.wire, pool, min(2, len(tc.wire)))); err != nil {
				t.Fatal(err)
			}
			if m.wire != nil {
				t.Fatal("kept a message that is not a lone chunk")
			}
			var out bytes.Buffer
			if err := m.writeChunk(&out); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.chunk || m.metadata().GetFileName() != tc.fileName {
				t.Fatalf("chunk %q, file name %q; want %q, %q", out.String(), m.metadata().GetFileName(), tc.chunk, tc.fileName)
			}
			if pool.returned != 2 {
				t.Fatalf("%d of 2 buffers given back", pool.returned)
			}
		})
	}
}

func TestDownloadCodecRefusesMalformedBytes(t *testing.T) {
	var m downloadMessage
	// A chunk whose length runs past the end.
	wire := chunkField([]byte("abcdef"))
	err := receive(t, &m, split(wire[:len(wire)-2], &countingPool{}))
	if err == nil {
		t.Fatal("no error for a truncated message")
	}
	if m.wire != nil {
		t.Fatal("kept a truncated message")
	}
}
