package store

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EntryFilter selects log entries (the API's InteractionLogFilter). Zero
// fields and nil pointers do not filter.
type EntryFilter struct {
	ContactNo             string
	IncludeCompanyPersons bool // with ContactNo: also entries whose contact company is ContactNo
	ContactCompanyNo      string
	TemplateCode          string
	GroupCode             string
	SalespersonCode       string
	CampaignNo            string
	SegmentNo             string
	LoggedSegmentEntryNo  *int64
	DocumentType          int16
	DocumentNo            string
	Time                  TimeRange
	Canceled              *bool
	Postponed             *bool
	AttemptFailed         *bool
	Evaluation            *int16
	InformationFlow       *int16
	InitiatedBy           *int16
}

// apply adds the filter's conditions to a query on interaction_log_entries.
func (f EntryFilter) apply(q *gorm.DB) *gorm.DB {
	if f.ContactNo != "" && f.IncludeCompanyPersons {
		q = q.Where("(contact_no = ? OR contact_company_no = ?)", f.ContactNo, f.ContactNo)
		if isTiDB(q) {
			// MySQL and MariaDB read the two index ranges and merge them by
			// themselves (index_merge union); TiDB reads the whole table unless told.
			q = q.Clauses(selectHint("USE_INDEX_MERGE(interaction_log_entries, idx_entries_contact, idx_entries_company)"))
		}
	} else if f.ContactNo != "" {
		q = q.Where("contact_no = ?", f.ContactNo)
		if isTiDB(q) {
			// A contact's entries are few: read them by its index (and sort them
			// for entry-no. order) as MySQL does. TiDB otherwise walks the primary
			// key in entry-no. order betting that the page fills early.
			q = q.Clauses(selectHint("USE_INDEX(interaction_log_entries, idx_entries_contact)"))
		}
	}
	for _, c := range []struct {
		col   string
		value any
		set   bool
	}{
		{"contact_company_no", f.ContactCompanyNo, f.ContactCompanyNo != ""},
		{"template_code", f.TemplateCode, f.TemplateCode != ""},
		{"group_code", f.GroupCode, f.GroupCode != ""},
		{"salesperson_code", f.SalespersonCode, f.SalespersonCode != ""},
		{"campaign_no", f.CampaignNo, f.CampaignNo != ""},
		{"segment_no", f.SegmentNo, f.SegmentNo != ""},
		{"logged_segment_entry_no", deref(f.LoggedSegmentEntryNo), f.LoggedSegmentEntryNo != nil},
		{"document_type", f.DocumentType, f.DocumentType != 0},
		{"document_no", f.DocumentNo, f.DocumentNo != ""},
		{"canceled", deref(f.Canceled), f.Canceled != nil},
		{"postponed", deref(f.Postponed), f.Postponed != nil},
		{"attempt_failed", deref(f.AttemptFailed), f.AttemptFailed != nil},
		{"evaluation", deref(f.Evaluation), f.Evaluation != nil},
		{"information_flow", deref(f.InformationFlow), f.InformationFlow != nil},
		{"initiated_by", deref(f.InitiatedBy), f.InitiatedBy != nil},
	} {
		if c.set {
			q = q.Where(c.col+" = ?", c.value)
		}
	}
	return f.Time.apply(q)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// selectHint is an optimizer hint, written as a comment after SELECT.
type selectHint string

func (h selectHint) ModifyStatement(stmt *gorm.Statement) {
	c := stmt.Clauses["SELECT"]
	c.AfterNameExpression = clause.Expr{SQL: "/*+ " + string(h) + " */"}
	stmt.Clauses["SELECT"] = c
}

// Build is empty: ModifyStatement has put the hint in the SELECT clause.
func (selectHint) Build(clause.Builder) {}
