package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func ptrTo[T any](v T) *T { return &v }

func TestOverridesMergeAndJSON(t *testing.T) {
	header := Overrides{Subject: ptrTo("header"), CostMicros: ptrTo(int64(5)), CampaignNo: ptrTo("H")}
	line := Overrides{Subject: ptrTo(""), LanguageCode: ptrTo("DA")}
	got := header.Merge(line)
	want := Overrides{Subject: ptrTo(""), CostMicros: ptrTo(int64(5)), CampaignNo: ptrTo("H"), LanguageCode: ptrTo("DA")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merge: got %+v, want %+v", got, want)
	}
	if header.Subject == nil || *header.Subject != "header" {
		t.Fatal("merge changed its receiver")
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"subject":"","cost_micros":5,"campaign_no":"H","language_code":"DA"}` {
		t.Fatalf("JSON %s: unset fields must be left out, set zero values kept", b)
	}
	var back Overrides
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, got) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

func TestBuildEntrySegmentDefaults(t *testing.T) {
	tmpl := TemplateRows{
		Template: InteractionTemplate{Code: "T", GroupCode: "G", CorrespondenceType: CorrespondenceTypeEmail, LanguageCodeDefault: "EN"},
		Languages: []InteractionTemplateLanguage{
			{TemplateCode: "T", LanguageCode: "EN"}, {TemplateCode: "T", LanguageCode: "DE"},
		},
	}
	contact := Contact{No: "C", CompanyNo: "CO", LanguageCode: "FR", CorrespondenceType: CorrespondenceTypeEmail, Email: "c@example.com", SalespersonCode: "SP"}
	logged := int64(7)
	e, err := BuildEntry(InteractionInput{
		Contact: contact, Template: tmpl,
		CorrespondenceDefault: &CorrespondenceDefault{Type: 1, IgnoreContactPreference: true},
		LanguageDefault:       "DE",
		SegmentNo:             "SEG", LoggedSegmentEntryNo: &logged,
		UserID: "u", Now: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.CorrespondenceType != 1 || e.LanguageCode != "DE" || e.SegmentNo != "SEG" || *e.LoggedSegmentEntryNo != 7 ||
		e.InteractionTime != 42 || e.CreateTime != 42 || e.UserID != "u" || e.ContactCompanyNo != "CO" || e.ContactVia != "" {
		t.Fatalf("entry %+v: want the header's correspondence type and language, segment fields and stamps", e)
	}
}

func TestBuildEntryDocumentSalesperson(t *testing.T) {
	in := InteractionInput{
		Contact:  Contact{No: "C", SalespersonCode: "SP"},
		Template: TemplateRows{Template: InteractionTemplate{Code: "T"}},
		Document: Document{Type: 4, No: "SI-1"},
	}
	e, err := BuildEntry(in)
	if err != nil || e.SalespersonCode != "SP" || e.DocumentType != 4 || e.DocumentNo != "SI-1" {
		t.Fatalf("document entry %+v, %v: want the contact's salesperson and the document fields", e, err)
	}
	in.Contact.SalespersonCode = ""
	if e, err = BuildEntry(in); err != nil || e.SalespersonCode != "" {
		t.Fatalf("document entry for a contact without salesperson %+v, %v: want a blank salesperson", e, err)
	}
	in.Document = Document{}
	_, err = BuildEntry(in)
	var se *Error
	if !errors.As(PrefixField(err, "lines[3]."), &se) || se.Field != "lines[3].salesperson_code" || se.Reason != ReasonSalespersonRequired {
		t.Fatalf("manual entry without salesperson: %v", err)
	}
}
