package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/interlog/interlog/store"
)

var groupTests = []test{
	{"GroupCreateReadUpdateDelete", groupCreateReadUpdateDelete},
	{"GroupsPageByCode", groupsPageByCode},
}

// groupCreateReadUpdateDelete is the life of a resource with an etag, as every resource
// of the API has it: a taken code, a stale etag, a missing row and a refused delete each
// get their kind and reason, and nothing of a refused write is kept.
func groupCreateReadUpdateDelete(t *testing.T, s *store.Store) {
	ctx := context.Background()
	create := func(g store.InteractionGroup) (store.InteractionGroup, error) {
		return write(ctx, s, store.Actor{Principal: "creator"}, func(tx *store.Tx) (store.InteractionGroup, error) { return tx.CreateGroup(g) })
	}
	update := func(g store.InteractionGroup, etag string, fields ...store.Field) (store.InteractionGroup, error) {
		return write(ctx, s, store.Actor{Principal: "editor"}, func(tx *store.Tx) (store.InteractionGroup, error) {
			return tx.UpdateGroup(g, etag, fields)
		})
	}
	remove := func(code, etag string) error {
		return s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteGroup(code, etag) })
	}

	created, err := create(store.InteractionGroup{Code: "MEETING", Description: "Meetings"})
	if err != nil || created.Etag == "" || created.UserID != "creator" || created.CreateTime == 0 {
		t.Fatalf("create: %+v, %v; want an etag, the creator and a create time", created, err)
	}
	_, err = create(store.InteractionGroup{Code: "MEETING", Description: "again"})
	wantReason(t, err, store.ErrAlreadyExists, store.ReasonAlreadyExists)
	got, err := s.GetGroup(ctx, "MEETING")
	if err != nil || got.Description != "Meetings" || got.Etag != created.Etag {
		t.Fatalf("get: %+v, %v; want the group as created", got, err)
	}
	_, err = s.GetGroup(ctx, "NONE")
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)

	updated, err := update(store.InteractionGroup{Code: "MEETING", Description: "Customer meetings"}, created.Etag, "description")
	if err != nil || updated.Description != "Customer meetings" || updated.Etag == created.Etag || updated.UserID != "editor" {
		t.Fatalf("update with the current etag: %+v, %v; want the new description, a new etag, the editor", updated, err)
	}
	_, err = update(store.InteractionGroup{Code: "MEETING", Description: "lost"}, created.Etag, "description")
	wantReason(t, err, store.ErrEtagMismatch, store.ReasonEtagMismatch)
	if _, err := update(store.InteractionGroup{Code: "MEETING"}, "", "code"); err == nil {
		t.Fatal("an update of the code, which no mask may name, succeeded")
	}
	_, err = update(store.InteractionGroup{Code: "NONE", Description: "x"}, "", "description")
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	unconditional, err := update(store.InteractionGroup{Code: "MEETING", Description: "Meetings"}, "", "description")
	if err != nil || unconditional.Description != "Meetings" {
		t.Fatalf("update without an etag: %+v, %v", unconditional, err)
	}

	createTemplate(t, s, store.InteractionTemplate{Code: "MEET-CUST", GroupCode: "MEETING"})
	wantReason(t, remove("MEETING", ""), store.ErrPrecondition, store.ReasonGroupHasTemplates)
	mustWrite(t, s, func(tx *store.Tx) (struct{}, error) { return struct{}{}, tx.DeleteTemplate("MEET-CUST", "") })
	wantReason(t, remove("MEETING", created.Etag), store.ErrEtagMismatch, store.ReasonEtagMismatch)
	if err := remove("MEETING", unconditional.Etag); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetGroup(ctx, "MEETING")
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	wantReason(t, remove("MEETING", ""), store.ErrNotFound, store.ReasonNotFound)
}

// groupsPageByCode reads the groups in code order, a page at a time, each page after the
// last code of the one before, whatever was created in between.
func groupsPageByCode(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for _, code := range []string{"C", "A", "E", "B", "D"} {
		mustWrite(t, s, func(tx *store.Tx) (store.InteractionGroup, error) {
			return tx.CreateGroup(store.InteractionGroup{Code: code})
		})
	}
	var codes []string
	page := store.Page{Limit: 2}
	for pages := 1; ; pages++ {
		groups, more, err := s.ListGroups(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			codes = append(codes, g.Code)
		}
		if pages == 1 { // a group created before the read position shows on no later page
			mustWrite(t, s, func(tx *store.Tx) (store.InteractionGroup, error) {
				return tx.CreateGroup(store.InteractionGroup{Code: "AA"})
			})
		}
		if !more {
			if pages != 3 {
				t.Fatalf("%d pages of 2 for 5 groups, want 3", pages)
			}
			break
		}
		page.HasAfter, page.AfterCode = true, groups[len(groups)-1].Code
	}
	if want := []string{"A", "B", "C", "D", "E"}; !slices.Equal(codes, want) {
		t.Fatalf("pages hold %v, want %v", codes, want)
	}
}
