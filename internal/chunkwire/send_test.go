package chunkwire_test

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// A framed buffer is a DownloadAttachmentResponse carrying the content, for
// lengths of one to three bytes and for content that outgrew the buffer; gRPC
// freeing it makes it available again.
func TestBuffersFrameMessagesAndGetThemBack(t *testing.T) {
	const size = 1 << 10
	buffers := chunkwire.NewBuffers(downloadField, 1, size)
	for _, n := range []int{0, 1, 127, 128, size, 16384, 3 * size} {
		i := <-buffers.Available()
		content := bytes.Repeat([]byte{byte(n)}, n)
		msg, length := buffers.Message(i, append(buffers.Room(i), content...))
		var got apiv1.DownloadAttachmentResponse
		if err := proto.Unmarshal(msg.Wire().Materialize(), &got); err != nil {
			t.Fatalf("%d bytes: the message does not decode: %v", n, err)
		}
		if !bytes.Equal(got.GetChunk(), content) || got.GetMetadata() != nil || length != n {
			t.Fatalf("%d bytes: got a chunk of %d bytes (length %d), metadata %v", n, len(got.GetChunk()), length, got.GetMetadata())
		}
		buffers.Put(new([]byte)) // not one of the buffers: ignored
		if len(buffers.Available()) != 0 {
			t.Fatal("the buffer is available while gRPC holds it")
		}
		msg.Wire().Free()
		if len(buffers.Available()) != 1 {
			t.Fatal("the buffer did not come back when gRPC freed it")
		}
	}
}
