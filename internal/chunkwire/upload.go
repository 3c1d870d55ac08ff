package chunkwire

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrMalformed: the bytes are not a protobuf message.
var ErrMalformed = errors.New("malformed protobuf wire bytes")

// Decode reads the wire bytes b of a message whose bytes field number chunk
// carries content, and returns buf[:0] with the chunk appended (the last
// one, if the field repeats, as protobuf reads it). Every other
// length-delimited field goes to other, which may refuse it; fields of other
// wire types are skipped, as protobuf keeps them as unknown fields (so is a
// chunk field of the wrong wire type). b is not kept.
func Decode(b []byte, chunk protowire.Number, buf []byte, other func(num protowire.Number, value []byte) error) ([]byte, error) {
	buf = buf[:0]
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return buf, ErrMalformed
		}
		b = b[n:]
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return buf, ErrMalformed
		}
		if typ == protowire.BytesType {
			value, _ := protowire.ConsumeBytes(b)
			if num == chunk {
				buf = append(buf[:0], value...)
			} else if err := other(num, value); err != nil {
				return buf, err
			}
		}
		b = b[n:]
	}
	return buf, nil
}
