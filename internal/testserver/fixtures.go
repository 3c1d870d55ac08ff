package testserver

import (
	"context"
	"slices"
	"testing"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// AddSegmentLines adds one line per contact no. to a segment, in as many
// BatchCreateSegmentLines calls as the batch limit requires.
func AddSegmentLines(t testing.TB, segments apiv1.SegmentServiceClient, segment string, contactNos []string) {
	t.Helper()
	for batch := range slices.Chunk(contactNos, store.MaxSegmentLinesPerBatch) {
		lines := make([]*apiv1.SegmentLine, len(batch))
		for i, no := range batch {
			lines[i] = &apiv1.SegmentLine{ContactNo: no}
		}
		_, err := segments.BatchCreateSegmentLines(context.Background(), &apiv1.BatchCreateSegmentLinesRequest{
			Parent: "segments/" + segment, SegmentLines: lines,
		})
		NoErr(t, err)
	}
}

// SeedContacts writes contacts straight into the database of env (for
// tests that are not about the contact service).
func SeedContacts(t testing.TB, env *Env, contacts ...SeedContact) {
	t.Helper()
	db, err := OpenRaw(env.URL)
	NoErr(t, err)
	defer db.Close()
	NoErr(t, InsertContacts(db, contacts))
}
