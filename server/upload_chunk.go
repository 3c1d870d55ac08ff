package server

import (
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// uploadChunk receives the messages of an upload after the first one. The
// generic protobuf decoder gives every message a new slice for its chunk, so
// that a 32 MiB upload made 32 MiB of garbage, and the collector let the heap
// grow by several MiB to absorb it. uploadChunk decodes the wire bytes itself
// (serverCodec.Unmarshal calls decodeWire) into a buffer it reuses for every
// message: the upload copies each chunk on into its own buffer before it
// receives the next.
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
	uploadChunkField        = uploadRequestDescriptor.Fields().ByName("chunk")
	uploadMetadataField     = uploadRequestDescriptor.Fields().ByName("metadata")
)

// maxUploadChunk is the chunk field's max_len in the proto.
const maxUploadChunk = 1 << 20

// decodeWire reads the message's wire bytes b; the chunk is copied, b is
// not kept.
func (c *uploadChunk) decodeWire(b []byte) error {
	c.data = c.data[:0]
	for rest := b; len(rest) > 0; {
		num, typ, n := protowire.ConsumeTag(rest)
		if n < 0 {
			return undecodable(uploadRequestDescriptor, b)
		}
		rest = rest[n:]
		n = protowire.ConsumeFieldValue(num, typ, rest)
		if n < 0 {
			return undecodable(uploadRequestDescriptor, b)
		}
		switch {
		case isField(uploadChunkField, num, typ):
			chunk, _ := protowire.ConsumeBytes(rest)
			if len(chunk) > maxUploadChunk {
				return invalidField("chunk", "must be at most 1 MiB (1048576 bytes)")
			}
			c.data = append(c.data[:0], chunk...) // the last one wins, as in protobuf
		case isField(uploadMetadataField, num, typ):
			return invalidField("metadata", "only the first message carries metadata; later messages carry chunks")
		}
		rest = rest[n:]
	}
	return nil
}

// isField reports whether a tag is field fd's, with the wire type of its
// kind (a field of another wire type is an unknown field to protobuf).
func isField(fd protoreflect.FieldDescriptor, num protowire.Number, typ protowire.Type) bool {
	return num == fd.Number() && typ == protowire.BytesType
}
