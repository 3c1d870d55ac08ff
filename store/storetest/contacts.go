package storetest

import (
	"context"
	"testing"

	"github.com/interlog/interlog/store"
)

var contactTests = []test{
	{"DeleteContactWithSegmentLines", deleteContactWithSegmentLines},
}

func deleteContactWithSegmentLines(t *testing.T, s *store.Store) {
	ctx := context.Background()
	createContact(t, s, "C", store.ContactTypeCompany, "")
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentWithCount, error) {
		return tx.CreateSegment(store.Segment{No: "S", Description: "d"})
	})
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentLine, error) {
		return tx.CreateSegmentLine(store.SegmentLine{SegmentNo: "S", ContactNo: "C"})
	})
	err := s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteContact("C", "") })
	wantReason(t, err, store.ErrPrecondition, store.ReasonContactHasSegmentLines)
}
