package storetest

import (
	"context"
	"testing"

	"github.com/interlog/interlog/store"
)

var commentTests = []test{
	{"CommentsKeepTheCount", commentsKeepTheCount},
}

func commentsKeepTheCount(t *testing.T, s *store.Store) {
	ctx, writer := context.Background(), store.Actor{Principal: "writer"}
	seedBasics(t, s)
	e := logEntry(t, s, store.LogRequest{})
	var ids []int64
	for _, text := range []string{"one", "two", "three"} {
		c, err := write(ctx, s, writer, func(tx *store.Tx) (store.InteractionLogComment, error) {
			return tx.CreateComment(store.InteractionLogComment{EntryNo: e.EntryNo, CommentDate: "2026-11-27", Text: text})
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.UserID != "writer" || c.ID == 0 {
			t.Fatalf("created %+v", c)
		}
		ids = append(ids, c.ID)
	}
	_, err := write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.InteractionLogComment, error) {
		return tx.CreateComment(store.InteractionLogComment{EntryNo: 999, CommentDate: "2026-11-27", Text: "x"})
	})
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)

	page, more, err := s.ListComments(ctx, e.EntryNo, store.Page{Limit: 2})
	if err != nil || !more || len(page) != 2 || page[0].Text != "one" {
		t.Fatalf("first page: %v %v %+v", err, more, page)
	}
	page, more, err = s.ListComments(ctx, e.EntryNo, store.Page{Limit: 2, HasAfter: true, AfterNumber: page[1].ID})
	if err != nil || more || len(page) != 1 || page[0].Text != "three" {
		t.Fatalf("second page: %v %v %+v", err, more, page)
	}
	_, _, err = s.ListComments(ctx, 999, store.Page{Limit: 2})
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)

	upd, err := write(ctx, s, store.Actor{Principal: "editor"}, func(tx *store.Tx) (store.InteractionLogComment, error) {
		return tx.UpdateComment(store.InteractionLogComment{EntryNo: e.EntryNo, ID: ids[1], Text: "TWO", CommentDate: "1999-01-01"}, []store.Field{"text"})
	})
	if err != nil || upd.Text != "TWO" || upd.CommentDate != "2026-11-27" || upd.UserID != "editor" {
		t.Fatalf("update: %v %+v", err, upd)
	}
	// A comment is addressed through its own entry only.
	other := logEntry(t, s, store.LogRequest{})
	_, err = write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.InteractionLogComment, error) {
		return tx.UpdateComment(store.InteractionLogComment{EntryNo: other.EntryNo, ID: ids[0], Text: "x"}, []store.Field{"text"})
	})
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
	deleteComment := func(entryNo, id int64) error {
		return s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteComment(entryNo, id) })
	}
	wantReason(t, deleteComment(other.EntryNo, ids[0]), store.ErrNotFound, store.ReasonNotFound)

	if err := deleteComment(e.EntryNo, ids[0]); err != nil {
		t.Fatal(err)
	}
	wantReason(t, deleteComment(e.EntryNo, ids[0]), store.ErrNotFound, store.ReasonNotFound)
	if got, _ := getEntry(t, s, e.EntryNo); got.CommentCount != 2 {
		t.Fatalf("comment count %d after 3 creates and 1 delete, want 2", got.CommentCount)
	}
}
