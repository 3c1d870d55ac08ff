package storetest

import (
	"context"
	"testing"

	"github.com/interlog/interlog/store"
)

var setupTests = []test{
	{"SetupNamesExistingTemplates", setupNamesExistingTemplates},
}

// setupNamesExistingTemplates: the setup names only templates that exist, keeps the
// templates it names from being deleted, and changes only under its current etag.
func setupNamesExistingTemplates(t *testing.T, s *store.Store) {
	ctx := context.Background()
	createTemplate(t, s, store.InteractionTemplate{Code: "INVOICE", GroupCode: "G"})
	attachment := storeFile(t, s, []byte("letterhead")).ID
	createTemplate(t, s, store.InteractionTemplate{Code: "WITH-FILE", GroupCode: "G", AttachmentID: &attachment})
	update := func(changes map[string]string, etag string) (store.Setup, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.Setup, error) { return tx.UpdateSetup(changes, etag) })
	}
	deleteTemplate := func(code string) error {
		return s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteTemplate(code, "") })
	}

	empty, err := s.GetSetup(ctx)
	if err != nil || len(empty.Templates) != 0 || empty.Etag == "" || empty.UpdateTime != 0 {
		t.Fatalf("the setup of an empty store: %+v, %v; want no templates, an etag, no update time", empty, err)
	}
	set, err := update(map[string]string{"sales_invoice": "INVOICE", "emails": "WITH-FILE"}, empty.Etag)
	if err != nil || set.Templates["sales_invoice"] != "INVOICE" || set.Templates["emails"] != "WITH-FILE" || set.Etag == empty.Etag {
		t.Fatalf("update: %+v, %v", set, err)
	}
	if got, err := s.GetSetup(ctx); err != nil || got.Etag != set.Etag || len(got.Templates) != 2 || got.UpdateTime == 0 {
		t.Fatalf("read back: %+v, %v; want what the update returned", got, err)
	}
	_, err = update(map[string]string{"sales_invoice": ""}, empty.Etag)
	wantReason(t, err, store.ErrEtagMismatch, store.ReasonEtagMismatch)
	_, err = update(map[string]string{"sales_quote": "NONE"}, "")
	wantReason(t, err, store.ErrNotFound, store.ReasonTemplateNotFound)
	_, err = update(map[string]string{"sales_quote": "WITH-FILE"}, "") // a document type's template
	wantReason(t, err, store.ErrPrecondition, store.ReasonTemplateHasAttachment)
	if got, _ := s.GetSetup(ctx); got.Etag != set.Etag {
		t.Fatalf("refused updates changed the setup: %+v", got)
	}

	wantReason(t, deleteTemplate("INVOICE"), store.ErrPrecondition, store.ReasonTemplateInSetup)
	if _, err := update(map[string]string{"sales_invoice": ""}, set.Etag); err != nil {
		t.Fatal(err)
	}
	if err := deleteTemplate("INVOICE"); err != nil {
		t.Fatalf("delete of a template the setup no longer names: %v", err)
	}
}
