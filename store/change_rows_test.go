package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interlog/interlog/internal/testdb"
)

// mixedEntryChanges are n entry changes (entry nos. from first on) whose
// contacts, companies and templates vary, as a LogSegment batch's do.
func mixedEntryChanges(first int64, n int) []Change {
	out := make([]Change, n)
	for i := range out {
		no := first + int64(i)
		c := entryChange(no, fmt.Sprintf("P%d", no%3), fmt.Sprintf("C%d", no%2))
		if no%4 == 0 {
			c.TemplateCode = "MAIL"
		}
		out[i] = c
	}
	return out
}

// appendPackedBacklog appends a single change, 1 200 changes in one
// transaction (rows of 500, 500 and 200), and a single change: 1 202
// changes, entry nos. 1..1202, in 5 rows. It returns them in order.
func appendPackedBacklog(t *testing.T, s *Store) []Change {
	t.Helper()
	ctx := context.Background()
	all := mixedEntryChanges(1, 1202)
	for _, part := range [][]Change{all[:1], all[1:1201], all[1201:]} {
		if err := s.AppendChanges(ctx, "alice", "req", part...); err != nil {
			t.Fatal(err)
		}
	}
	sequenceNow(t, s)
	var rows int64
	if err := s.db.Model(&changeRow{}).Count(&rows).Error; err != nil || rows != 5 {
		t.Fatalf("%d rows of changes, want 5 (%v)", rows, err)
	}
	return all
}

// wantSequences checks that got are the changes of all (sequence i+1 for
// all[i]) for which keep holds, in order.
func wantSequences(t *testing.T, what string, got []StoredChange, all []Change, after int64, keep func(Change) bool) {
	t.Helper()
	var want []int64
	for i, c := range all {
		if seq := int64(i + 1); seq > after && keep(c) {
			want = append(want, seq)
		}
	}
	var seqs []int64
	for _, c := range got {
		seqs = append(seqs, c.Sequence)
		want := all[c.Sequence-1]
		if c.Encoded != nil { // the resource is in the bytes, checked by the caller
			want.Resource = nil
		}
		if !reflect.DeepEqual(c.Change, want) {
			t.Fatalf("%s: change %d = %+v, want %+v", what, c.Sequence, c.Change, want)
		}
		if c.Principal != "alice" || c.RequestID != "req" || c.ChangeTime == 0 {
			t.Fatalf("%s: change %d has actor %q %q, time %d", what, c.Sequence, c.Principal, c.RequestID, c.ChangeTime)
		}
	}
	if !slices.Equal(seqs, want) {
		t.Fatalf("%s: %d sequences %v..., want %d %v...", what, len(seqs), head(seqs), len(want), head(want))
	}
}

func head(s []int64) []int64 { return s[:min(len(s), 5)] }

func all(Change) bool { return true }

func TestResumeInsidePackedRow(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		changes := appendPackedBacklog(t, s)
		if high, err := s.ChangeHighWater(context.Background()); err != nil || high != 1202 {
			t.Fatalf("high water %d, %v", high, err)
		}
		for _, after := range []int64{0, 1, 2, 250, 500, 501, 502, 1000, 1001, 1200, 1201, 1202} {
			got, err := s.ListChanges(context.Background(), after, 1202, ChangeFilter{}, 5000)
			if err != nil {
				t.Fatal(err)
			}
			wantSequences(t, fmt.Sprintf("after %d", after), got, changes, after, all)
		}
	})
}

// TestLimitInsidePackedRow: paging with a limit that ends pages inside
// packed rows gives every change once, filtered or not.
func TestLimitInsidePackedRow(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		changes := appendPackedBacklog(t, s)
		for _, tc := range []struct {
			filter ChangeFilter
			keep   func(Change) bool
			limit  int
		}{
			{ChangeFilter{}, all, 7},
			{ChangeFilter{}, all, 499},
			{ChangeFilter{ContactNo: "P1"}, func(c Change) bool { return c.ContactNo == "P1" }, 5},
			{ChangeFilter{TemplateCode: "MAIL"}, func(c Change) bool { return c.TemplateCode == "MAIL" }, 120},
		} {
			var got []StoredChange
			after := int64(0)
			for pages := 0; ; pages++ {
				page, err := s.ListChanges(context.Background(), after, 1202, tc.filter, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > tc.limit || pages > 1202 {
					t.Fatalf("%+v: page of %d changes, limit %d (page %d)", tc.filter, len(page), tc.limit, pages)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, page...)
				after = page[len(page)-1].Sequence
			}
			wantSequences(t, fmt.Sprintf("%+v limit %d", tc.filter, tc.limit), got, changes, 0, tc.keep)
		}
	})
}

// TestFiltersOnPackedRows: every filter finds exactly its changes in rows
// whose contacts, companies, templates, kinds and types are mixed.
func TestFiltersOnPackedRows(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		changes := mixedEntryChanges(1, 40)
		changes[5] = Change{Kind: ChangeContactUpdated, ResourceType: ResourceContact, Key: "P1", ContactNo: "P1", ContactCompanyNo: "C1", Resource: Contact{No: "P1", CompanyNo: "C1"}}
		changes[17] = Change{Kind: ChangeGroupDeleted, ResourceType: ResourceGroup, Key: "LETTERS", GroupCode: "LETTERS"}
		changes[30].GroupCode = "LETTERS"
		if err := s.AppendChanges(context.Background(), "alice", "req", changes[:1]...); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendChanges(context.Background(), "alice", "req", changes[1:]...); err != nil {
			t.Fatal(err)
		}
		sequenceNow(t, s)
		for _, tc := range []struct {
			name   string
			filter ChangeFilter
			keep   func(Change) bool
		}{
			{"contact", ChangeFilter{ContactNo: "P2"}, func(c Change) bool { return c.ContactNo == "P2" }},
			{"company without persons", ChangeFilter{ContactNo: "C1"}, func(c Change) bool { return c.ContactNo == "C1" }},
			{"company with persons", ChangeFilter{ContactNo: "C1", IncludeCompanyPersons: true},
				func(c Change) bool { return c.ContactNo == "C1" || c.ContactCompanyNo == "C1" }},
			{"template", ChangeFilter{TemplateCode: "MAIL"}, func(c Change) bool { return c.TemplateCode == "MAIL" }},
			{"group", ChangeFilter{GroupCode: "LETTERS"}, func(c Change) bool { return c.GroupCode == "LETTERS" }},
			{"kind", ChangeFilter{Kinds: []ChangeKind{ChangeContactUpdated, ChangeGroupDeleted}},
				func(c Change) bool { return c.Kind == ChangeContactUpdated || c.Kind == ChangeGroupDeleted }},
			{"type and template", ChangeFilter{ResourceTypes: []ResourceType{ResourceEntry}, TemplateCode: "CALL"},
				func(c Change) bool { return c.ResourceType == ResourceEntry && c.TemplateCode == "CALL" }},
		} {
			for _, after := range []int64{0, 1, 20} {
				got, err := s.ListChanges(context.Background(), after, 40, tc.filter, 100)
				if err != nil {
					t.Fatal(err)
				}
				wantSequences(t, fmt.Sprintf("%s after %d", tc.name, after), got, changes, after, tc.keep)
			}
		}
	})
}

// TestExpiryWithPackedRows: pruning deletes whole rows, and a reader after
// a sequence inside a pruned row is told the changes expired.
func TestExpiryWithPackedRows(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		changes := mixedEntryChanges(1, 31)
		for _, part := range [][]Change{changes[:10], changes[10:20], changes[20:30], changes[30:]} {
			if err := s.AppendChanges(ctx, "alice", "req", part...); err != nil {
				t.Fatal(err)
			}
		}
		sequenceNow(t, s)
		old := nowMicros() - 2*time.Hour.Microseconds()
		if err := s.db.Model(&changeRow{}).Where("sequence <= ?", 20).Update("change_time", old).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneChanges(ctx, nowMicros()-time.Hour.Microseconds(), 10); err != nil || n != 2 {
			t.Fatalf("pruned %d rows, %v; want 2", n, err)
		}
		if oldest, err := s.OldestChangeSequence(ctx); err != nil || oldest != 21 {
			t.Fatalf("oldest %d, %v; want 21", oldest, err)
		}
		for _, after := range []int64{0, 15, 19} {
			_, err := s.ListChanges(ctx, after, 31, ChangeFilter{}, 100)
			var se *Error
			if !errors.As(err, &se) || se.Reason != ReasonChangesExpired || !strings.Contains(se.Message, "the oldest change kept is sequence 21") {
				t.Errorf("after %d: %v, want CHANGES_EXPIRED naming 21", after, err)
			}
		}
		for _, after := range []int64{20, 25} {
			got, err := s.ListChanges(ctx, after, 31, ChangeFilter{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			wantSequences(t, fmt.Sprintf("after %d", after), got, changes, after, all)
		}
	})
}

// TestMigration0008KeepsLegacyRowsReadable: rows the release before 0008
// wrote (one change per row, JSON of the store model) are counted one
// change each, sequenced if they were not, and read back beside packed rows
// of encoded resources.
func TestMigration0008KeepsLegacyRowsReadable(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s := openAt(t, engine, "0007_changes")
			legacy := []Change{
				entryChange(1, "P1", "C1"),
				{Kind: ChangeContactDeleted, ResourceType: ResourceContact, Key: "P9", ContactNo: "P9"},
				{Kind: ChangeCommentCreated, ResourceType: ResourceComment, Key: ChangeKey("1", "7"), ContactNo: "P1",
					Resource: InteractionLogComment{ID: 7, EntryNo: 1, Text: "hello"}},
			}
			for i, c := range legacy {
				payload := []byte{}
				if c.Resource != nil {
					var err error
					if payload, err = json.Marshal(c.Resource); err != nil {
						t.Fatal(err)
					}
				}
				var sequence any // the last one is still unsequenced
				if i < 2 {
					sequence = i + 1
				}
				err := s.db.Exec("INSERT INTO changes (sequence, change_time, principal, request_id, kind, resource_type, resource_key, contact_no, contact_company_no, template_code, group_code, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					sequence, nowMicros(), "alice", "req", c.Kind, c.ResourceType, c.Key, c.ContactNo, c.ContactCompanyNo, c.TemplateCode, c.GroupCode, payload).Error
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var counts []int64
			if err := s.db.Model(&changeRow{}).Order("id").Pluck("change_count", &counts).Error; err != nil || !slices.Equal(counts, []int64{1, 1, 1}) {
				t.Fatalf("change counts after migrating %v, %v", counts, err)
			}
			s.SetResourceEncoder(func(rt ResourceType, r any) ([]byte, error) {
				return []byte(fmt.Sprintf("encoded %d %v", rt, r)), nil
			})
			packed := mixedEntryChanges(2, 3)
			if err := s.AppendChanges(ctx, "alice", "req", packed...); err != nil {
				t.Fatal(err)
			}
			sequenceNow(t, s)
			got := listAll(t, s, 0)
			wantSequences(t, "after migrating", got, append(legacy, packed...), 0, all)
			for _, c := range got[:3] {
				if c.Encoded != nil {
					t.Errorf("legacy change %d has encoded bytes", c.Sequence)
				}
			}
			for _, c := range got[3:] {
				if want := fmt.Sprintf("encoded %d %v", ResourceEntry, packed[c.Sequence-4].Resource); string(c.Encoded) != want || c.Resource != nil {
					t.Errorf("change %d: encoded %q, resource %v; want %q", c.Sequence, c.Encoded, c.Resource, want)
				}
			}
		})
	}
}

// TestOverlappingSequencersKeepSequencesApart: two sequencers that run at
// once (as if the sequencer lock were lost) while writers append rows of
// varying counts: the rows' sequence blocks never overlap and leave no gap.
// MySQL protocol only: SQLite runs one write transaction at a time.
func TestOverlappingSequencersKeepSequencesApart(t *testing.T) {
	for _, engine := range testdb.Engines() {
		if engine == "sqlite" {
			continue
		}
		t.Run(engine, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url := testdb.URL(t, engine)
			stores := []*Store{openMigrated(t, url), openMigrated(t, url)}
			var sequencers, writers sync.WaitGroup
			for _, s := range stores {
				sequencers.Add(1)
				go func() {
					defer sequencers.Done()
					for ctx.Err() == nil {
						// Conflicts and races roll a batch back; it runs again.
						_, _, _ = s.sequenceBatch(ctx, s.db, 3)
					}
				}()
			}
			for w := range 4 {
				writers.Add(1)
				go func() {
					defer writers.Done()
					for i := range 30 {
						if err := stores[w%2].AppendChanges(ctx, "w", "", mixedEntryChanges(int64(w*1000+i*10), 1+(w+i)%7)...); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			writers.Wait()
			time.Sleep(time.Second) // the sequencers sequence the rest
			cancel()
			sequencers.Wait()
			sequenceNow(t, stores[0])
			var rows []changeRow
			if err := stores[0].db.Order("sequence").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			next := int64(1)
			for _, r := range rows {
				if first := *r.Sequence - r.ChangeCount + 1; first != next {
					t.Fatalf("row %d has sequences %d..%d, want from %d", r.ID, first, *r.Sequence, next)
				}
				next = *r.Sequence + 1
			}
		})
	}
}
