package chunkwire_test

import (
	"fmt"
	"io"
	"testing"

	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// The benchmarks set each path of this package against what gRPC's proto
// codec does with the same message, per message of the sizes the service
// uses: an upload's messages as attachclient sends them (256 KiB) and at
// their limit (1 MiB), a download's of four 255 KiB chunks. Run them with
//
//	go test ./internal/chunkwire -run - -bench . -benchmem
//
// doc.go has the figures and what they decided.

var protoCodec = encoding.GetCodecV2(protocodec.Name)

const (
	uploadField   = 2 // UploadAttachmentRequest.chunk
	downloadField = 2 // DownloadAttachmentResponse.chunk
	downloadSize  = 4 * 255 << 10
)

// received is wire as gRPC hands a message to a codec: in the frames it
// arrived in (16 KiB, HTTP/2's default frame size). The buffers are not
// pooled, so that freeing them costs both sides nothing.
func received(wire []byte) mem.BufferSlice {
	var data mem.BufferSlice
	for len(wire) > 0 {
		n := min(16<<10, len(wire))
		data, wire = append(data, mem.SliceBuffer(wire[:n])), wire[n:]
	}
	return data
}

// BenchmarkUploadChunk: the server receives a message of an upload after the
// first. chunkwire: Decode into a buffer reused for every message, from the
// message's bytes made contiguous (as serverCodec does); proto: gRPC's codec
// into a new UploadAttachmentRequest.
func BenchmarkUploadChunk(b *testing.B) {
	for _, size := range []int{256 << 10, 1 << 20} {
		wire, err := proto.Marshal(&apiv1.UploadAttachmentRequest{Part: &apiv1.UploadAttachmentRequest_Chunk{Chunk: make([]byte, size)}})
		if err != nil {
			b.Fatal(err)
		}
		data := received(wire)
		b.Run(fmt.Sprintf("%dKiB/chunkwire", size>>10), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			buf := make([]byte, 0, size)
			for b.Loop() {
				contiguous := data.MaterializeToBuffer(mem.DefaultBufferPool())
				buf, err = chunkwire.Decode(contiguous.ReadOnlyData(), uploadField, buf, func(protowire.Number, []byte) error { return nil })
				contiguous.Free()
				if err != nil || len(buf) != size {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%dKiB/proto", size>>10), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				var m apiv1.UploadAttachmentRequest
				if err := protoCodec.Unmarshal(data, &m); err != nil || len(m.GetChunk()) != size {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDownloadSend: the server turns a batch of chunks, read from the
// database into a reused buffer, into a message for gRPC, which frees it once
// written. chunkwire: Buffers frames the batch in place; proto: gRPC's codec
// marshals a DownloadAttachmentResponse carrying it into a buffer of its
// pool.
func BenchmarkDownloadSend(b *testing.B) {
	b.Run("chunkwire", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(downloadSize)
		buffers := chunkwire.NewBuffers(downloadField, 3, downloadSize)
		content := make([]byte, downloadSize)
		for range 3 { // the batches as the database left them
			i := <-buffers.Available()
			msg, _ := buffers.Message(i, append(buffers.Room(i), content...))
			msg.Wire().Free()
		}
		for b.Loop() {
			i := <-buffers.Available()
			msg, _ := buffers.Message(i, buffers.Room(i)[:len(buffers.Room(i))+downloadSize])
			msg.Wire().Free()
		}
	})
	b.Run("proto", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(downloadSize)
		batch := make([]byte, downloadSize)
		for b.Loop() {
			wire, err := protoCodec.Marshal(&apiv1.DownloadAttachmentResponse{Chunk: batch})
			if err != nil {
				b.Fatal(err)
			}
			wire.Free()
		}
	})
}

// BenchmarkDownloadReceive: the client receives a download message and
// writes its chunk out. chunkwire: LoneField finds the chunk in gRPC's
// frames and WriteAfter writes it from there (as attachclient does);
// proto: gRPC's codec into a new DownloadAttachmentResponse.
func BenchmarkDownloadReceive(b *testing.B) {
	wire, err := proto.Marshal(&apiv1.DownloadAttachmentResponse{Chunk: make([]byte, downloadSize)})
	if err != nil {
		b.Fatal(err)
	}
	data := received(wire)
	b.Run("chunkwire", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(downloadSize)
		for b.Loop() {
			skip, ok := chunkwire.LoneField(data, downloadField)
			if !ok {
				b.Fatal("not a lone chunk")
			}
			if err := chunkwire.WriteAfter(io.Discard, data, skip); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proto", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(downloadSize)
		for b.Loop() {
			var m apiv1.DownloadAttachmentResponse
			if err := protoCodec.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
			if _, err := io.Discard.Write(m.GetChunk()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
