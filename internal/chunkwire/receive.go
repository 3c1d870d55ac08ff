package chunkwire

import (
	"encoding/binary"
	"io"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
)

// LoneField returns the length of the header of field number field when the
// wire bytes data, as gRPC received them, are that one length-delimited
// field and nothing else: its content is then data after the header, to be
// used where it lies (WriteAfter) instead of being decoded into a copy.
func LoneField(data mem.BufferSlice, field protowire.Number) (headerLen int, ok bool) {
	var head [2 * binary.MaxVarintLen64]byte // room for the tag and the length
	n := 0
	for _, b := range data {
		if n += copy(head[n:], b.ReadOnlyData()); n == len(head) {
			break
		}
	}
	num, typ, tagLen := protowire.ConsumeTag(head[:n])
	if tagLen < 0 || num != field || typ != protowire.BytesType {
		return 0, false
	}
	size, sizeLen := protowire.ConsumeVarint(head[tagLen:n])
	if sizeLen < 0 || size != uint64(data.Len()-tagLen-sizeLen) {
		return 0, false
	}
	return tagLen + sizeLen, true
}

// WriteAfter writes data but its first skip bytes to w, buffer by buffer.
func WriteAfter(w io.Writer, data mem.BufferSlice, skip int) error {
	for _, b := range data {
		bytes := b.ReadOnlyData()
		if skip >= len(bytes) {
			skip -= len(bytes)
			continue
		}
		if _, err := w.Write(bytes[skip:]); err != nil {
			return err
		}
		skip = 0
	}
	return nil
}
