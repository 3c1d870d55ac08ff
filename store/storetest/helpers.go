package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/interlog/interlog/store"
)

// salesperson is the salesperson of every contact the suite creates: a manual interaction
// needs one.
const salesperson = "SP"

// write runs one store write in a transaction of its own, made by actor.
func write[T any](ctx context.Context, s *store.Store, actor store.Actor, fn func(tx *store.Tx) (T, error)) (T, error) {
	var out T
	err := s.RunInTx(ctx, actor, func(tx *store.Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// mustWrite is write that fails the test on an error.
func mustWrite[T any](t *testing.T, s *store.Store, fn func(tx *store.Tx) (T, error)) T {
	t.Helper()
	out, err := write(context.Background(), s, store.Actor{}, fn)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

func wantReason(t *testing.T, err error, kind error, reason store.Reason) {
	t.Helper()
	var se *store.Error
	if !errors.Is(err, kind) || !errors.As(err, &se) || se.Reason != reason {
		t.Fatalf("got %v, want %v with reason %d", err, kind, reason)
	}
}

// createContact creates a contact of the type (store.ContactTypePerson or
// store.ContactTypeCompany); a person's company must exist.
func createContact(t *testing.T, s *store.Store, no string, typ int16, companyNo string) {
	t.Helper()
	mustWrite(t, s, func(tx *store.Tx) (store.Contact, error) {
		return tx.CreateContact(store.Contact{No: no, Type: typ, CompanyNo: companyNo, SalespersonCode: salesperson})
	})
}

// createTemplate creates the template in its group, and the group unless it exists.
func createTemplate(t *testing.T, s *store.Store, tmpl store.InteractionTemplate) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.GetGroup(ctx, tmpl.GroupCode); errors.Is(err, store.ErrNotFound) {
		mustWrite(t, s, func(tx *store.Tx) (store.InteractionGroup, error) {
			return tx.CreateGroup(store.InteractionGroup{Code: tmpl.GroupCode})
		})
	}
	mustWrite(t, s, func(tx *store.Tx) (store.InteractionTemplate, error) { return tx.CreateTemplate(tmpl) })
}

// seedBasics creates person C1 and template T of group G, what logEntry logs with unless
// told otherwise.
func seedBasics(t *testing.T, s *store.Store) {
	t.Helper()
	createContact(t, s, "C1", store.ContactTypePerson, "")
	createTemplate(t, s, store.InteractionTemplate{Code: "T", GroupCode: "G"})
}

// logEntry logs one interaction; ContactNo defaults to C1 and TemplateCode to T.
func logEntry(t *testing.T, s *store.Store, r store.LogRequest) store.InteractionLogEntry {
	t.Helper()
	return logEntries(t, s, r)[0]
}

// logEntries logs interactions in one batch, all or nothing, with logEntry's defaults.
func logEntries(t *testing.T, s *store.Store, reqs ...store.LogRequest) []store.InteractionLogEntry {
	t.Helper()
	for i := range reqs {
		if reqs[i].ContactNo == "" {
			reqs[i].ContactNo = "C1"
		}
		if reqs[i].TemplateCode == "" {
			reqs[i].TemplateCode = "T"
		}
	}
	results := mustWrite(t, s, func(tx *store.Tx) ([]store.LogResult, error) { return tx.BatchLogInteractions(reqs, true) })
	entries := make([]store.InteractionLogEntry, len(results))
	for i, r := range results {
		entries[i] = r.Entry
	}
	return entries
}

// cancel cancels entries, keeping their attachments.
func cancel(t *testing.T, s *store.Store, entryNos ...int64) {
	t.Helper()
	mustWrite(t, s, func(tx *store.Tx) ([]store.InteractionLogEntry, error) { return tx.CancelEntries(entryNos, false) })
}

// getEntry reads an entry, reporting whether it exists.
func getEntry(t *testing.T, s *store.Store, no int64) (store.InteractionLogEntry, bool) {
	t.Helper()
	e, err := s.GetEntry(context.Background(), no)
	if errors.Is(err, store.ErrNotFound) {
		return store.InteractionLogEntry{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return e, true
}

// logSegment logs a segment of header's values (template T and description "d" unless set) with n lines for
// contact C1 (seedBasics) and returns the logged segment's entry no.
func logSegment(t *testing.T, s *store.Store, header store.Segment, n int) int64 {
	t.Helper()
	if header.TemplateCode == "" {
		header.TemplateCode = "T"
	}
	if header.Description == "" {
		header.Description = "d"
	}
	mustWrite(t, s, func(tx *store.Tx) (store.SegmentWithCount, error) { return tx.CreateSegment(header) })
	lines := make([]store.SegmentLine, n)
	for i := range lines {
		lines[i] = store.SegmentLine{ContactNo: "C1"}
	}
	mustWrite(t, s, func(tx *store.Tx) (int64, error) { return tx.BatchCreateSegmentLines(header.No, lines) })
	logged := mustWrite(t, s, func(tx *store.Tx) (store.LogSegmentResult, error) { return tx.LogSegment(header.No, "") })
	return logged.LoggedSegment.EntryNo
}

// entriesOf lists the entries linked to a logged segment.
func entriesOf(t *testing.T, s *store.Store, loggedSegment int64) []store.InteractionLogEntry {
	t.Helper()
	return listEntries(t, s, store.EntryFilter{LoggedSegmentEntryNo: &loggedSegment})
}

// listEntries lists every entry that f selects (drafts only when f asks), in entry no. order.
func listEntries(t *testing.T, s *store.Store, f store.EntryFilter) []store.InteractionLogEntry {
	t.Helper()
	var all []store.InteractionLogEntry
	page := store.Page{Limit: 1000}
	for {
		entries, more, err := s.ListEntries(context.Background(), f, store.EntryOrder{}, page)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, entries...)
		if !more {
			return all
		}
		page.HasAfter, page.AfterNumber = true, entries[len(entries)-1].EntryNo
	}
}
