package storetest

import (
	"context"
	"testing"

	"github.com/interlog/interlog/store"
)

var templateTests = []test{
	{"TemplatesAndTheirLanguages", templatesAndTheirLanguages},
}

// templatesAndTheirLanguages: a template needs its group, its default language one of its
// own language rows, and deleting that row clears the default; deleting the template
// takes its rows with it.
func templatesAndTheirLanguages(t *testing.T, s *store.Store) {
	ctx := context.Background()
	createTemplate := func(tmpl store.InteractionTemplate) (store.InteractionTemplate, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.InteractionTemplate, error) { return tx.CreateTemplate(tmpl) })
	}
	setDefault := func(language string) (store.InteractionTemplate, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.InteractionTemplate, error) {
			return tx.UpdateTemplate(store.InteractionTemplate{Code: "T", LanguageCodeDefault: language}, "", []store.Field{"language_code_default"})
		})
	}
	addLanguage := func(l store.InteractionTemplateLanguage) (store.InteractionTemplateLanguage, error) {
		return write(ctx, s, store.Actor{}, func(tx *store.Tx) (store.InteractionTemplateLanguage, error) { return tx.CreateLanguage(l) })
	}

	_, err := createTemplate(store.InteractionTemplate{Code: "T", GroupCode: "NONE"})
	wantReason(t, err, store.ErrNotFound, store.ReasonGroupNotFound)
	mustWrite(t, s, func(tx *store.Tx) (store.InteractionGroup, error) {
		return tx.CreateGroup(store.InteractionGroup{Code: "G"})
	})
	_, err = createTemplate(store.InteractionTemplate{Code: "T", GroupCode: "G", LanguageCodeDefault: "DAN"})
	wantReason(t, err, store.ErrPrecondition, store.ReasonDefaultLanguageNotFound)
	_, err = createTemplate(store.InteractionTemplate{Code: "T", GroupCode: "G", AttachmentID: ptrTo(int64(999))})
	wantReason(t, err, store.ErrNotFound, store.ReasonAttachmentNotFound)
	created, err := createTemplate(store.InteractionTemplate{Code: "T", GroupCode: "G"})
	if err != nil || created.CorrespondenceType != store.CorrespondenceTypeEmail {
		t.Fatalf("create: %+v, %v; want correspondence type EMAIL when unset", created, err)
	}

	_, err = addLanguage(store.InteractionTemplateLanguage{TemplateCode: "NONE", LanguageCode: "DAN"})
	wantReason(t, err, store.ErrNotFound, store.ReasonTemplateNotFound)
	_, err = setDefault("DAN")
	wantReason(t, err, store.ErrPrecondition, store.ReasonDefaultLanguageNotFound)
	for _, language := range []string{"DAN", "DEU"} {
		if _, err := addLanguage(store.InteractionTemplateLanguage{TemplateCode: "T", LanguageCode: language, Description: "d"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = addLanguage(store.InteractionTemplateLanguage{TemplateCode: "T", LanguageCode: "DAN"})
	wantReason(t, err, store.ErrAlreadyExists, store.ReasonAlreadyExists)
	if tmpl, err := setDefault("DAN"); err != nil || tmpl.LanguageCodeDefault != "DAN" {
		t.Fatalf("default DAN: %+v, %v", tmpl, err)
	}
	if err := s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteLanguage("T", "DAN") }); err != nil {
		t.Fatal(err)
	}
	current, err := s.GetTemplate(ctx, "T")
	if err != nil || current.LanguageCodeDefault != "" || current.Etag == created.Etag {
		t.Fatalf("after deleting the default language's row: %+v, %v; want no default, a new etag", current, err)
	}

	deleteTemplate := func(etag string) error {
		return s.RunInTx(ctx, store.Actor{}, func(tx *store.Tx) error { return tx.DeleteTemplate("T", etag) })
	}
	wantReason(t, deleteTemplate(created.Etag), store.ErrEtagMismatch, store.ReasonEtagMismatch)
	if err := deleteTemplate(current.Etag); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetTemplate(ctx, "T")
	wantReason(t, err, store.ErrNotFound, store.ReasonTemplateNotFound)
	_, err = s.GetLanguage(ctx, "T", "DEU")
	wantReason(t, err, store.ErrNotFound, store.ReasonNotFound)
}
