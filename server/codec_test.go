package server

import (
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

func field(num protowire.Number, value []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), value)
}

// A request that does not decode is left empty, its error is handed out once
// and then forgotten, so that the codec keeps nothing per call.
func TestRequestCodecRemembersFailureOnce(t *testing.T) {
	c := newServerCodec()
	good := field(2, field(3, []byte("FIRST")))
	bad := field(2, field(3, []byte("second \xff")))
	wire := append(append(field(1, []byte("segments/S")), good...), bad...)

	req := &apiv1.BatchCreateSegmentLinesRequest{}
	if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer(wire)}, req); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !proto.Equal(req, &apiv1.BatchCreateSegmentLinesRequest{}) {
		t.Fatalf("half-decoded request left behind: %v", req)
	}
	wantInvalidField(t, c.take(req), "segment_lines[1].contact_no")
	if err := c.take(req); err != nil {
		t.Fatalf("failure handed out twice: %v", err)
	}
	c.failed.Range(func(k, _ any) bool {
		t.Fatalf("codec still holds %v", k)
		return false
	})

	// A request that decodes is not remembered.
	if err := c.Unmarshal(mem.BufferSlice{mem.SliceBuffer(append(field(1, []byte("segments/S")), good...))}, req); err != nil {
		t.Fatal(err)
	}
	if err := c.take(req); err != nil || req.GetParent() != "segments/S" || len(req.GetSegmentLines()) != 1 {
		t.Fatalf("good request: %v, %v", req, err)
	}
}
