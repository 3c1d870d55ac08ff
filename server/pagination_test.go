package server

import (
	"encoding/base64"
	"testing"

	"google.golang.org/protobuf/proto"

	tokenv1 "github.com/interlog/interlog/gen/interlog/token/v1"
	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// TestPageTokenVersions: tokens written before the version field existed (0)
// still continue their list; a token of a later layout than this server
// writes is refused rather than misread.
func TestPageTokenVersions(t *testing.T) {
	req := &apiv1.ListInteractionLogEntriesRequest{OrderBy: apiv1.InteractionLogOrder_INTERACTION_LOG_ORDER_INTERACTION_TIME}
	encode := func(version uint32) string {
		b, err := proto.Marshal(&tokenv1.PageToken{
			Version:            version,
			QueryHash:          queryHash(req),
			LastNumber:         41,
			LastTimeUnixMicros: 1_700_000_000_000_000,
		})
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for _, version := range []uint32{0, pageTokenVersion} {
		req.PageToken = encode(version)
		p, err := newPager(req)
		if err != nil {
			t.Fatalf("version %d: %v", version, err)
		}
		if p.page.AfterNumber != 41 || p.page.AfterTime != 1_700_000_000_000_000 {
			t.Errorf("version %d read as %+v", version, p.page)
		}
	}
	req.PageToken = encode(pageTokenVersion + 1)
	_, err := newPager(req)
	wantInvalidField(t, err, "page_token")

	written := &tokenv1.PageToken{}
	raw, _ := base64.RawURLEncoding.DecodeString(pager{hash: queryHash(req)}.next(store.Page{AfterNumber: 7}))
	if err := proto.Unmarshal(raw, written); err != nil || written.GetVersion() != pageTokenVersion {
		t.Errorf("written token version %d (%v), want %d", written.GetVersion(), err, pageTokenVersion)
	}
}
