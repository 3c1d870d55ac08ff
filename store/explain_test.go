package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/interlog/interlog/internal/testdb"
)

// explainEnv names the file TestExplainListQueries writes its report to,
// relative to the store package: INTERLOG_EXPLAIN=../docs/explain.md.
const explainEnv = "INTERLOG_EXPLAIN"

// explainedEntries is the size of the table the plans are taken on.
const explainedEntries = 30000

// Interaction times of the seeded entries span about two years from firstTime.
const (
	firstTime  = int64(1_000_000)
	minute     = int64(60e6)
	day        = 24 * 60 * minute
	middleTime = firstTime + 365*day
)

// explainCase is one main query of ListInteractionLogEntries: the index its
// plan must read, and whether the plan may sort the matching rows instead of
// reading them in index order.
type explainCase struct {
	name   string
	filter EntryFilter
	order  EntryOrder
	sorts  bool
	index  string
}

func explainCases() []explainCase {
	yes, loggedSegment := true, int64(7)
	return []explainCase{
		{"all entries, entry no. order (the default)", EntryFilter{}, EntryOrder{}, false, "PRIMARY"},
		{"all entries, newest entry no. first", EntryFilter{}, EntryOrder{Descending: true}, false, "PRIMARY"},
		{"all entries, interaction time order", EntryFilter{}, EntryOrder{ByTime: true}, false, "idx_entries_time"},
		{"one contact, interaction time order", EntryFilter{ContactNo: "P0042"}, EntryOrder{ByTime: true}, false, "idx_entries_contact"},
		{"one contact, entry no. order", EntryFilter{ContactNo: "P0042"}, EntryOrder{}, true, "idx_entries_contact"},
		{"a company with its persons", EntryFilter{ContactNo: "C0007", IncludeCompanyPersons: true}, EntryOrder{ByTime: true}, true, "idx_entries_contact,idx_entries_company"},
		{"contact company", EntryFilter{ContactCompanyNo: "C0007"}, EntryOrder{ByTime: true}, false, "idx_entries_company"},
		{"template, interaction time order", EntryFilter{TemplateCode: "T03"}, EntryOrder{ByTime: true}, false, "idx_entries_template"},
		{"template, not canceled, time order", EntryFilter{TemplateCode: "T03", Canceled: new(bool)}, EntryOrder{ByTime: true}, false, "idx_entries_template"},
		{"group, interaction time order", EntryFilter{GroupCode: "G1"}, EntryOrder{ByTime: true}, false, "idx_entries_group"},
		{"salesperson, interaction time order", EntryFilter{SalespersonCode: "SP4"}, EntryOrder{ByTime: true}, false, "idx_entries_salesperson"},
		{"campaign", EntryFilter{CampaignNo: "CAMP2"}, EntryOrder{ByTime: true}, false, "idx_entries_campaign"},
		{"segment no.", EntryFilter{SegmentNo: "SEG3"}, EntryOrder{}, false, "idx_entries_segment"},
		{"logged segment", EntryFilter{LoggedSegmentEntryNo: &loggedSegment}, EntryOrder{}, false, "idx_entries_logged_segment"},
		{"document type and no.", EntryFilter{DocumentType: 4, DocumentNo: "SI-00042"}, EntryOrder{}, false, "idx_entries_document"},
		{"time range, time order", EntryFilter{Time: TimeRange{Start: middleTime - 30*day, End: middleTime + 30*day, HasStart: true, HasEnd: true}}, EntryOrder{ByTime: true}, false, "idx_entries_time"},
		{"canceled entries", EntryFilter{Canceled: &yes}, EntryOrder{}, false, "idx_entries_canceled"},
		{"drafts (postponed)", EntryFilter{Postponed: &yes}, EntryOrder{}, false, "idx_entries_postponed"},
	}
}

// TestExplainListQueries checks on MySQL and TiDB that every main list query
// reads through an index (no full table scan), on a table large enough for the
// optimizer to care. With INTERLOG_EXPLAIN set it also writes MySQL's plans as
// Markdown (docs/explain.md is made this way).
func TestExplainListQueries(t *testing.T) {
	for _, engine := range testdb.Engines() {
		if engine == "sqlite" {
			continue
		}
		t.Run(engine, func(t *testing.T) { explainListQueries(t, engine) })
	}
}

func explainListQueries(t *testing.T, engine string) {
	ctx := context.Background()
	s, err := Open(ctx, testdb.URL(t, engine), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedForExplain(t, s)
	var report strings.Builder
	report.WriteString(explainPreamble)
	for _, c := range explainCases() {
		page := Page{Limit: 50, HasAfter: true, AfterNumber: explainedEntries / 2, AfterTime: middleTime}
		if c.order.Descending {
			page.AfterNumber = explainedEntries * 3 / 4
		}
		query := s.db.ToSQL(func(tx *gorm.DB) *gorm.DB {
			return entriesPage(tx, c.filter, c.order, page).Find(&[]InteractionLogEntry{})
		})
		cols, rows, err := explain(s, query)
		if err != nil {
			t.Fatal(err)
		}
		plan := markdownTable(cols, rows)
		read := readPlan(cols, rows)
		if read.indexes != c.index {
			t.Errorf("%s: reads index %s, want %s:\n%s\n%s", c.name, read.indexes, c.index, query, plan)
		}
		if read.fullScan {
			t.Errorf("%s: reads a whole table or index:\n%s\n%s", c.name, query, plan)
		}
		if !c.sorts && read.sorts {
			t.Errorf("%s: the rows are sorted, not read in index order:\n%s\n%s", c.name, query, plan)
		}
		fmt.Fprintf(&report, "## %s\n\n```sql\n%s\n```\n\n%s\n", c.name, query, plan)
	}
	if out := os.Getenv(explainEnv); out != "" && engine == "mysql" {
		if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// planReading is what a plan reads: the indexes (comma-separated, PRIMARY for
// the primary key), whether it scans a whole table or index, and whether it
// sorts rows instead of reading them in index order.
type planReading struct {
	indexes  string
	fullScan bool
	sorts    bool
}

// readPlan reads MySQL's EXPLAIN (a "key" column, "filesort" in Extra) or,
// when there is no "key" column, TiDB's (an operator tree whose "access
// object" names each table and index read).
func readPlan(cols []string, rows [][]string) planReading {
	if key := slices.Index(cols, "key"); key >= 0 {
		plan := markdownTable(cols, rows)
		return planReading{
			indexes:  rows[0][key],
			fullScan: rows[0][slices.Index(cols, "type")] == "ALL",
			sorts:    strings.Contains(plan, "filesort"),
		}
	}
	op, access := slices.Index(cols, "id"), slices.Index(cols, "access object")
	var r planReading
	var indexes []string
	for _, row := range rows {
		name := strings.TrimLeft(row[op], "│├└─ ")
		r.fullScan = r.fullScan || strings.HasPrefix(name, "TableFullScan") || strings.HasPrefix(name, "IndexFullScan")
		r.sorts = r.sorts || strings.HasPrefix(name, "Sort") || strings.HasPrefix(name, "TopN")
		index := "PRIMARY" // a table scan reads the clustered primary key
		if _, after, ok := strings.Cut(row[access], "index:"); ok {
			index, _, _ = strings.Cut(after, "(")
		} else if !strings.HasPrefix(name, "TableRangeScan") && !strings.HasPrefix(name, "TableFullScan") {
			continue // not a read, or the row lookups of an index read (TableRowIDScan)
		}
		if !slices.Contains(indexes, index) {
			indexes = append(indexes, index)
		}
	}
	r.indexes = strings.Join(indexes, ",")
	return r
}

const explainPreamble = `# Query plans of ListInteractionLogEntries on MySQL

Generated by ` + "`INTERLOG_EXPLAIN=../docs/explain.md go test -count=1 -run TestExplainListQueries ./store/`" + `
(MariaDB 10.11) on a table of 30 000 entries (300 contacts in 30 companies, 12 templates
in 4 groups, 8 salespersons, 2 years of interaction times, 5% canceled, 1% drafts), each
query as the store sends it for the second page (after a key in the middle, 50 rows).
The same test fails when a plan reads another index than the one named here, reads the
whole table, or sorts where the index should deliver the order.

Every filter reads its own index range. For lists in interaction-time order the indexes
are (filter column, interaction_time) — migration 0003 replaced the (x, canceled,
interaction_time) keys of 0001, which could not deliver time order unless the request also
fixed canceled, so every page sorted all of x's entries. InnoDB appends the primary key
(entry_no) to every secondary index, which settles ties in time order. Two plans sort on
purpose: one contact in entry-no. order (a contact's entries are few), and a company with
its persons (contact_no = C OR contact_company_no = C: the union of two index ranges,
then sorted). Lists leave drafts out by default (postponed = false); the store then tells
MySQL to ignore idx_entries_postponed (postponed, entry_no), the drafts' index: MariaDB
otherwise reads it as ref access on postponed = false and walks it from the first entry
to the page (a page after 100 000 entries read 100 000 index entries), where the primary
key seeks to the page. idx_entries_time also covers the columns statistics sum
(migration 0004), so a month's summary reads no rows.

`

// explain runs EXPLAIN on a query and returns the plan's columns and rows.
func explain(s *Store, query string) ([]string, [][]string, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, nil, err
	}
	rows, err := sqlDB.Query("EXPLAIN " + query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]string
	for rows.Next() {
		values := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		cells := make([]string, len(cols))
		for i, v := range values {
			cells[i] = v.String
			if !v.Valid {
				cells[i] = "NULL"
			}
		}
		out = append(out, cells)
	}
	return cols, out, rows.Err()
}

// markdownTable formats a plan.
func markdownTable(cols []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat(" --- |", len(cols)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}

// seedForExplain fills the tables with a realistic spread of values.
func seedForExplain(t *testing.T, s *Store) {
	t.Helper()
	var contacts []Contact
	for i := range 300 {
		c := Contact{No: fmt.Sprintf("P%04d", i), Type: ContactTypePerson, CompanyNo: fmt.Sprintf("C%04d", i%30), Etag: "e"}
		if i < 30 {
			c = Contact{No: fmt.Sprintf("C%04d", i), Type: ContactTypeCompany, CompanyNo: fmt.Sprintf("C%04d", i), Etag: "e"}
		}
		contacts = append(contacts, c)
	}
	if err := s.db.CreateInBatches(contacts, 500).Error; err != nil {
		t.Fatal(err)
	}
	entries := make([]InteractionLogEntry, 0, 1000)
	for i := range explainedEntries {
		c := contacts[i*7919%len(contacts)]
		e := InteractionLogEntry{
			ContactNo: c.No, ContactCompanyNo: c.CompanyNo,
			InteractionTime: firstTime + int64(i*104729%explainedEntries)*35*minute,
			TemplateCode:    fmt.Sprintf("T%02d", i%12), GroupCode: fmt.Sprintf("G%d", i%4),
			SalespersonCode: fmt.Sprintf("SP%d", i%8), CampaignNo: []string{"", "", "CAMP1", "CAMP2"}[i%4],
			Canceled: i%20 == 7, Postponed: i%100 == 3, CreateTime: 1, UpdateTime: 1,
		}
		if i%10 == 0 {
			e.SegmentNo, e.LoggedSegmentEntryNo = fmt.Sprintf("SEG%d", i%7), ptrTo(int64(i%50))
		}
		if i%5 == 0 {
			e.DocumentType, e.DocumentNo = 4, fmt.Sprintf("SI-%05d", i/5)
		}
		if entries = append(entries, e); len(entries) == cap(entries) {
			if err := s.db.Create(&entries).Error; err != nil {
				t.Fatal(err)
			}
			entries = entries[:0]
		}
	}
	if err := s.db.Exec("ANALYZE TABLE interaction_log_entries, contacts").Error; err != nil {
		t.Fatal(err)
	}
}

// TestExplainChangeQueries: the change feed's queries read their index in
// order on MySQL and TiDB, on a table of sequenced changes with a tail of
// unsequenced ones: the sequencer's work list, a page of ListChanges, and
// the head that pruning reads.
func TestExplainChangeQueries(t *testing.T) {
	for _, engine := range testdb.Engines() {
		if engine == "sqlite" {
			continue
		}
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s := openMigrated(t, testdb.URL(t, engine))
			changes := make([]Change, 10000)
			for i := range changes {
				changes[i] = entryChange(int64(i+1), fmt.Sprintf("P%03d", i%300), "")
			}
			// A row per change (as single mutations write them), then packed rows.
			if err := s.AppendChangesUnpacked(ctx, "alice", "", changes...); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendChanges(ctx, "alice", "", changes...); err != nil {
				t.Fatal(err)
			}
			if err := s.sequenceAll(ctx, s.db, 1000); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendChanges(ctx, "alice", "", changes[:2000]...); err != nil {
				t.Fatal(err)
			}
			if err := s.db.Exec("ANALYZE TABLE changes").Error; err != nil {
				t.Fatal(err)
			}
			assignment, _ := assignSequences([]unsequencedRow{{20001, 1}, {20002, 1}, {20003, 500}, {20010, 37}}, 20000)
			pageFilter := ChangeFilter{ContactNo: "P007", IncludeCompanyPersons: true, Kinds: []ChangeKind{ChangeEntryLogged}, TemplateCode: "CALL"}
			for _, c := range []struct {
				name, index string
				query       func(tx *gorm.DB) *gorm.DB
				raw         string // instead of query
			}{
				{"the sequencer's assignment", "PRIMARY", nil, assignment},
				{"the sequencer's next batch", "idx_changes_unsequenced", func(tx *gorm.DB) *gorm.DB {
					return unsequenced(tx, 1000).Find(&[]changeRow{})
				}, ""},
				{"the plan of a page of changes", "uq_changes_sequence", nil, pageQueries(s, ChangeFilter{})[0]},
				{"a page of changes", "uq_changes_sequence", nil, pageQueries(s, ChangeFilter{})[1]},
				{"the plan of a filtered page", "uq_changes_sequence", nil, pageQueries(s, pageFilter)[0]},
				{"a filtered page of changes", "uq_changes_sequence", nil, pageQueries(s, pageFilter)[1]},
				{"the oldest changes, for pruning", "uq_changes_sequence", func(tx *gorm.DB) *gorm.DB {
					return oldestChanges(tx, 1001).Find(&[]changeRow{})
				}, ""},
			} {
				query := c.raw
				if c.query != nil {
					query = s.db.ToSQL(c.query)
				}
				cols, rows, err := explain(s, query)
				if err != nil {
					t.Fatal(err)
				}
				plan := markdownTable(cols, rows)
				read := readPlan(cols, rows)
				if read.indexes != c.index || read.fullScan || read.sorts {
					t.Errorf("%s: reads %s (full scan %v, sorts %v), want %s in order:\n%s\n%s", c.name, read.indexes, read.fullScan, read.sorts, c.index, query, plan)
				}
			}
		})
	}
}

// pageQueries are the two queries of a page of ListChanges after sequence
// 10000 (its plan, its rows), with their arguments written in, for EXPLAIN.
func pageQueries(s *Store, filter ChangeFilter) [2]string {
	plan, planArgs := planQuery(s.db, 10000, 20000, filter, 500)
	rows, rowsArgs := rowsQuery(s.db, 10000, 10500, filter)
	return [2]string{inlineArgs(plan, planArgs), inlineArgs(rows, rowsArgs)}
}

// inlineArgs writes the arguments into the query's placeholders: numbers,
// and strings without quotes.
func inlineArgs(query string, args []any) string {
	for _, a := range args {
		v := fmt.Sprint(a)
		if _, ok := a.(string); ok {
			v = "'" + v + "'"
		}
		query = strings.Replace(query, "?", v, 1)
	}
	return query
}
