package server

import (
	"errors"
	"fmt"
	"sync"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// uploadChunk receives the messages of an upload after the first one, with
// chunkwire into a buffer it reuses for every message (serverCodec.Unmarshal
// calls decodeWire) that it borrows from chunkBuffers until the upload has
// copied the chunk on (release).
//
// It holds what such a message may carry, as the proto declares: a chunk. A
// metadata field is refused, a request_id is ignored (it is read from the
// first message only), and unknown fields are skipped, as protobuf does.
// protovalidate does not see these messages (they are not proto.Message), so
// decodeWire enforces the chunk's one rule, its maximum length.
type uploadChunk struct {
	data []byte
	buf  *[]byte // from chunkBuffers, while the chunk waits to be appended
}

// chunkBuffers lend uploads the buffers chunks are decoded into.
var chunkBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, maxUploadChunk)
	return &b
}}

// release gives the chunk's buffer back to chunkBuffers.
func (c *uploadChunk) release() {
	if c.buf != nil && cap(c.data) <= maxUploadChunk { // not one grown by a chunk refused as too long
		*c.buf = c.data[:0]
		chunkBuffers.Put(c.buf)
	}
	c.data, c.buf = nil, nil
}

var (
	uploadRequestDescriptor = (&apiv1.UploadAttachmentRequest{}).ProtoReflect().Descriptor()
	uploadChunkField        = uploadRequestDescriptor.Fields().ByName("chunk").Number()
	uploadMetadataField     = uploadRequestDescriptor.Fields().ByName("metadata").Number()
)

// maxUploadChunk is the chunk field's max_len, read from its protovalidate
// rule so that the proto stays the one place that sets it.
var maxUploadChunk = func() int {
	chunk := uploadRequestDescriptor.Fields().ByNumber(uploadChunkField)
	rules, _ := proto.GetExtension(chunk.Options(), validate.E_Field).(*validate.FieldRules)
	if rules.GetBytes().GetMaxLen() == 0 {
		panic("UploadAttachmentRequest.chunk has no bytes.max_len rule")
	}
	return int(rules.GetBytes().GetMaxLen())
}()

// decodeWire reads the message's wire bytes b; the chunk is copied, b is
// not kept.
func (c *uploadChunk) decodeWire(b []byte) error {
	if c.buf == nil {
		c.buf = chunkBuffers.Get().(*[]byte)
		c.data = *c.buf
	}
	var err error
	c.data, err = chunkwire.Decode(b, uploadChunkField, c.data, func(num protowire.Number, _ []byte) error {
		if num == uploadMetadataField {
			return invalidField("metadata", "only the first message carries metadata; later messages carry chunks")
		}
		return nil
	})
	switch {
	case errors.Is(err, chunkwire.ErrMalformed):
		return undecodable(uploadRequestDescriptor, b)
	case err != nil:
		return err
	case len(c.data) > maxUploadChunk:
		// protovalidate's words for the same rule on the first message.
		return invalidField("chunk", fmt.Sprintf("value length must be at most %d bytes", maxUploadChunk))
	}
	return nil
}
