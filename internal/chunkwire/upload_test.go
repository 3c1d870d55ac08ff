package chunkwire

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func field(num protowire.Number, value string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), value)
}

func TestDecode(t *testing.T) {
	refused := errors.New("refused")
	cases := []struct {
		name      string
		wire      []byte
		wantChunk string
		wantOther []protowire.Number
		wantErr   error
	}{
		{"empty message", nil, "", nil, nil},
		{"chunk", field(2, "abc"), "abc", nil, nil},
		{"last chunk wins", slices.Concat(field(2, "first"), field(2, "last")), "last", nil, nil},
		{"other fields handed over", slices.Concat(field(1, "meta"), field(2, "x"), field(3, "id")), "x", []protowire.Number{1, 3}, nil},
		{"varints skipped, also on the chunk's number",
			slices.Concat(protowire.AppendVarint(protowire.AppendTag(nil, 2, protowire.VarintType), 5), field(2, "y")), "y", nil, nil},
		{"refusal passed on", slices.Concat(field(2, "x"), field(9, "no")), "", []protowire.Number{9}, refused},
		{"cut short", field(2, "abcdef")[:4], "", nil, ErrMalformed},
		{"broken tag", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "", nil, ErrMalformed},
	}
	buf := make([]byte, 0, 64)
	for _, c := range cases {
		var other []protowire.Number
		got, err := Decode(c.wire, 2, buf, func(num protowire.Number, _ []byte) error {
			other = append(other, num)
			if num == 9 {
				return refused
			}
			return nil
		})
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.wantErr)
		}
		if c.wantErr == nil && !bytes.Equal(got, []byte(c.wantChunk)) {
			t.Errorf("%s: chunk %q, want %q", c.name, got, c.wantChunk)
		}
		if !slices.Equal(other, c.wantOther) {
			t.Errorf("%s: other fields %v, want %v", c.name, other, c.wantOther)
		}
		if c.wantChunk != "" && &got[:1][0] != &buf[:1][0] {
			t.Errorf("%s: the chunk is not in the given buffer", c.name)
		}
	}
}
