package chunkwire

import (
	"encoding/binary"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
)

// Buffers are the message buffers of one streamed response whose messages
// carry content in one bytes field, sent without a copy: the sender appends
// content to a buffer behind room for the field's header (Room), Message
// writes the header in front and hands the buffer to gRPC as it is, and gRPC
// gives it back through Put once it has written it to the connection, after
// which Available offers it again. The fixed set of buffers bounds what the
// response holds.
type Buffers struct {
	field protowire.Number
	room  int      // space in front of the content for the field's header
	full  [][]byte // each buffer, from its start
	msg   [][]byte // the message handed to gRPC from each
	free  chan int // indexes of buffers gRPC is done with
}

// NewBuffers returns count buffers for messages whose content, of about
// size bytes, is field number field.
func NewBuffers(field protowire.Number, count, size int) *Buffers {
	// Room for a length of any size, so that no message can outgrow it.
	room := protowire.SizeTag(field) + binary.MaxVarintLen64
	b := &Buffers{field: field, room: room, full: make([][]byte, count), msg: make([][]byte, count), free: make(chan int, count)}
	for i := range b.full {
		b.full[i] = make([]byte, 0, room+size)
		b.free <- i
	}
	return b
}

// Available yields the index of each buffer gRPC has given back (at first,
// every buffer).
func (b *Buffers) Available() <-chan int { return b.free }

// Room returns buffer i, empty but for the header's room: append the content
// to it.
func (b *Buffers) Room(i int) []byte { return b.full[i][:b.room] }

// Message frames buffer i, now data (Room with the content appended; data
// may have moved if the content outgrew it), as a message whose buffer comes
// back through Put, and returns it and the length of its content.
func (b *Buffers) Message(i int, data []byte) (Encoded, int) {
	b.full[i] = data
	b.msg[i] = frame(b.field, data, b.room)
	return Encoded{wire: mem.NewBuffer(&b.msg[i], b)}, len(data) - b.room
}

// frame writes, in front of the content at data[room:], the header of
// field number field carrying it, and returns the message from there on.
func frame(field protowire.Number, data []byte, room int) []byte {
	n := uint64(len(data) - room)
	msg := data[room-protowire.SizeTag(field)-protowire.SizeVarint(n):]
	protowire.AppendVarint(protowire.AppendTag(msg[:0], field, protowire.BytesType), n)
	return msg
}

// Put takes a message's buffer back from gRPC (mem.BufferPool). It never
// blocks: the channel has room for every buffer.
func (b *Buffers) Put(p *[]byte) {
	for i := range b.msg {
		if p == &b.msg[i] {
			b.free <- i
			return
		}
	}
}

// Get is part of mem.BufferPool; gRPC does not take new buffers from a
// message's pool, but if it did, it gets a fresh one.
func (b *Buffers) Get(n int) *[]byte {
	buf := make([]byte, n)
	return &buf
}

// Encoded is a message already in its wire form, for a codec to send as it
// is (Wire).
type Encoded struct{ wire mem.Buffer }

// Wire returns the message's bytes; gRPC frees them once written.
func (e Encoded) Wire() mem.BufferSlice { return mem.BufferSlice{e.wire} }
