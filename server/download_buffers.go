package server

import (
	"encoding/binary"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// A download sends its content without copying it again: the store appends a
// batch of chunks to a buffer behind room for a header, frame writes the wire
// header of a DownloadAttachmentResponse carrying them in front, and the
// server's codec hands the buffer to gRPC as it is (encodedMessage). gRPC
// holds a reference until the message is written to the connection, then
// returns the buffer through the mem.BufferPool interface (Put), and the
// reader fills it again. The generic codec would copy each message into a
// buffer of its own; and the fixed set of buffers bounds a download's memory.

// downloadBufferCount is how many messages a download has at once: one being
// read from the database, one waiting in gRPC, one being written.
const downloadBufferCount = 3

var downloadChunkField = (&apiv1.DownloadAttachmentResponse{}).ProtoReflect().Descriptor().Fields().ByName("chunk").Number()

// headerRoom is the space left in front of a batch for its header: room for
// a length of any size, so that no batch can outgrow it (a batch is one
// message's worth of chunks, but the bytes come from the database).
var headerRoom = protowire.SizeTag(downloadChunkField) + binary.MaxVarintLen64

// downloadBuffers are one download's message buffers; a mem.BufferPool of
// them receives them back from gRPC.
type downloadBuffers struct {
	full [downloadBufferCount][]byte // each buffer, from its start
	msg  [downloadBufferCount][]byte // the message handed to gRPC from each
	free chan int                    // indexes of buffers gRPC is done with
}

func newDownloadBuffers() *downloadBuffers {
	b := &downloadBuffers{free: make(chan int, downloadBufferCount)}
	for i := range b.full {
		b.full[i] = make([]byte, 0, headerRoom+store.ChunkSize*store.ChunkBatch)
		b.free <- i
	}
	return b
}

// room returns buffer i, empty but for the header's room.
func (b *downloadBuffers) room(i int) []byte { return b.full[i][:headerRoom] }

// message frames buffer i, now data (room plus chunks; data may have moved if
// the chunks outgrew it), as a message whose buffer comes back through Put.
func (b *downloadBuffers) message(i int, data []byte) encodedMessage {
	b.full[i] = data
	b.msg[i] = frame(data)
	return encodedMessage{wire: mem.NewBuffer(&b.msg[i], b)}
}

// Put takes a message's buffer back from gRPC. It never blocks: free holds
// every index.
func (b *downloadBuffers) Put(p *[]byte) {
	for i := range b.msg {
		if p == &b.msg[i] {
			b.free <- i
			return
		}
	}
}

// Get is part of mem.BufferPool; gRPC does not take new buffers from a
// message's pool, but if it did, it gets a fresh one.
func (b *downloadBuffers) Get(n int) *[]byte {
	buf := make([]byte, n)
	return &buf
}

// frame writes, in front of the content at data[headerRoom:], the header of a
// DownloadAttachmentResponse whose chunk it is, and returns the message.
func frame(data []byte) []byte {
	n := uint64(len(data) - headerRoom)
	msg := data[headerRoom-protowire.SizeTag(downloadChunkField)-protowire.SizeVarint(n):]
	protowire.AppendVarint(protowire.AppendTag(msg[:0], downloadChunkField, protowire.BytesType), n)
	return msg
}

// encodedMessage is a message already in its wire form: the server's codec
// sends it as it is.
type encodedMessage struct{ wire mem.Buffer }
