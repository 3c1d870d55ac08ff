package server

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/chunkwire"
)

// uploadChunk receives the messages of an upload after the first one, with
// chunkwire into a buffer it reuses for every message (requestCodec.Unmarshal
// calls decodeWire): the upload copies each chunk on into its own buffer
// before it receives the next.
//
// It holds what such a message may carry, as the proto declares: a chunk. A
// metadata field is refused, a request_id is ignored (it is read from the
// first message only), and unknown fields are skipped, as protobuf does.
// protovalidate does not see these messages (they are not proto.Message), so
// decodeWire enforces the chunk's one rule, its maximum length.
type uploadChunk struct {
	data []byte
}

var (
	uploadRequestDescriptor = (&apiv1.UploadAttachmentRequest{}).ProtoReflect().Descriptor()
	uploadChunkField        = uploadRequestDescriptor.Fields().ByName("chunk").Number()
	uploadMetadataField     = uploadRequestDescriptor.Fields().ByName("metadata").Number()
)

// maxUploadChunk is the chunk field's max_len in the proto.
const maxUploadChunk = 1 << 20

// decodeWire reads the message's wire bytes b; the chunk is copied, b is
// not kept.
func (c *uploadChunk) decodeWire(b []byte) error {
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
		return invalidField("chunk", "must be at most 1 MiB (1048576 bytes)")
	}
	return nil
}
