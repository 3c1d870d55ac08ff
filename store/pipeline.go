package store

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The interaction pipeline (SPEC §2.5 "Logging one interaction") turns a
// contact, a template and overrides into one InteractionLogEntry. It is the
// one code path of LogInteraction, BatchLogInteractions, ResumeInteraction,
// RecordDocumentInteraction and LogSegment, split in three so that bulk
// callers can fetch and write in batches:
//
//  1. fetch: shareContacts and loadTemplateRows read the contacts and the
//     templates with their language rows, many at a time (loadInput does it
//     for one interaction);
//  2. build: BuildEntry applies rules 1 to 5 to one InteractionInput. It is
//     pure: no database, no clock, no context; everything comes in the input;
//  3. write: insertEntries stores entries with multi-row INSERTs, fills their
//     EntryNo and makes their attachments read-only (SPEC §2.8).
//
// A bulk caller (LogSegment) does, inside one transaction:
//
//	contacts, err := shareContacts(tx, contactNos)      // chunked IN lists
//	templates, err := loadTemplateRows(tx, templateCodes)
//	for each line:
//		t, ok := templates[code]          // !ok: NOT_FOUND TEMPLATE_NOT_FOUND
//		c, ok := contacts[line.ContactNo] // !ok: NOT_FOUND CONTACT_NOT_FOUND
//		e, err := BuildEntry(InteractionInput{Contact: c, Template: t,
//			Overrides: header.Merge(line), SegmentNo: ..., LoggedSegmentEntryNo: ...,
//			UserID: tx.user(), Now: now})
//		if err != nil { return PrefixField(err, "lines[i].overrides.") }
//		batch = append(batch, e); when full: insertEntries(tx, batch)
//
// Errors of BuildEntry are *Error values; an invalid field is named relative
// to Overrides ("salesperson_code", "language_code"), so callers prefix it
// with PrefixField.

// Overrides are the values of one interaction that replace its defaults from
// the template and the contact (and, for segments, the header's values are
// themselves Overrides that the line's overrides replace: Merge). A nil field
// keeps the default; a set field wins even when it is the zero value, except
// where noted. Overrides are stored as JSON (segment_lines.overrides,
// postponed_interactions.overrides), so field tags are part of the schema.
type Overrides struct {
	// InteractionTime in Unix microseconds; default the input's Now.
	InteractionTime *int64 `json:"interaction_time,omitempty"`
	// TimeZone is an IANA name; default blank.
	TimeZone *string `json:"time_zone,omitempty"`
	// Description; nil or blank takes the template's (SPEC: "only when the request has none").
	Description *string `json:"description,omitempty"`
	// Subject; default blank.
	Subject *string `json:"subject,omitempty"`
	// InformationFlow; default the template's.
	InformationFlow *int16 `json:"information_flow,omitempty"`
	// InitiatedBy; default the template's.
	InitiatedBy *int16 `json:"initiated_by,omitempty"`
	// CostMicros; default the template's unit cost.
	CostMicros *int64 `json:"cost_micros,omitempty"`
	// DurationSeconds; default the template's unit duration.
	DurationSeconds *int64 `json:"duration_seconds,omitempty"`
	// CampaignNo, CampaignTarget, CampaignResponse; default the template's.
	CampaignNo       *string `json:"campaign_no,omitempty"`
	CampaignTarget   *bool   `json:"campaign_target,omitempty"`
	CampaignResponse *bool   `json:"campaign_response,omitempty"`
	// SalespersonCode; nil or blank takes the contact's. For a manual
	// interaction none at all is an error; a document interaction may stay
	// blank.
	SalespersonCode *string `json:"salesperson_code,omitempty"`
	// LanguageCode picks a language row of the template instead of the one
	// chosen from the contact; blank picks none. A non-blank code must be a
	// row of the template.
	LanguageCode *string `json:"language_code,omitempty"`
	// CorrespondenceType replaces the resolved one (EMAIL still becomes blank
	// when the contact has no e-mail address).
	CorrespondenceType *int16 `json:"correspondence_type,omitempty"`
	// ContactVia; default the contact's e-mail address when the
	// correspondence type is EMAIL, else blank.
	ContactVia *string `json:"contact_via,omitempty"`
	// Evaluation, AttemptFailed, OpportunityNo, TaskNo, DeliveryStatus; default zero.
	Evaluation     *int16  `json:"evaluation,omitempty"`
	AttemptFailed  *bool   `json:"attempt_failed,omitempty"`
	OpportunityNo  *string `json:"opportunity_no,omitempty"`
	TaskNo         *string `json:"task_no,omitempty"`
	DeliveryStatus *int16  `json:"delivery_status,omitempty"`
	// AttachmentID is the entry's own attachment (BC's wizard imports one):
	// it wins over the language row's and the template's. The caller checks
	// that it exists (requireAttachment). Segment lines never set it.
	AttachmentID *int64 `json:"attachment_id,omitempty"`
}

// Merge returns o with every field that top sets replaced by top's value:
// top overrides o.
func (o Overrides) Merge(top Overrides) Overrides {
	dst, src := reflect.ValueOf(&o).Elem(), reflect.ValueOf(top)
	for i := range src.NumField() {
		if f := src.Field(i); !f.IsNil() {
			dst.Field(i).Set(f)
		}
	}
	return o
}

// TemplateRows is a template with its language rows.
type TemplateRows struct {
	Template  InteractionTemplate
	Languages []InteractionTemplateLanguage
}

// language returns the template's row for a language code.
func (t TemplateRows) language(code string) (InteractionTemplateLanguage, bool) {
	for _, l := range t.Languages {
		if l.LanguageCode == code && code != "" {
			return l, true
		}
	}
	return InteractionTemplateLanguage{}, false
}

// hasAttachment reports whether the template or one of its rows carries an attachment.
func (t TemplateRows) hasAttachment() bool {
	if t.Template.AttachmentID != nil {
		return true
	}
	for _, l := range t.Languages {
		if l.AttachmentID != nil {
			return true
		}
	}
	return false
}

// CorrespondenceDefault replaces a template's default correspondence type and
// its "ignore contact correspondence type" flag (a segment header's values).
type CorrespondenceDefault struct {
	Type                    int16
	IgnoreContactPreference bool
}

// Document identifies the document of an automatically recorded
// interaction; a zero Type means a manual interaction.
type Document struct {
	Type       int16
	No         string
	VersionNo  int32
	Occurrence int32
}

// InteractionInput is everything BuildEntry needs for one interaction.
type InteractionInput struct {
	// Contact must exist (the caller fetched it).
	Contact Contact
	// Template must exist unless Postponed; a draft of a missing template
	// passes a TemplateRows holding only Template.Code.
	Template TemplateRows
	// Overrides replace the defaults.
	Overrides Overrides
	// CorrespondenceDefault, when set, replaces the template's pair.
	CorrespondenceDefault *CorrespondenceDefault
	// LanguageDefault, when it names a row of the template, is tried after
	// the contact's language and before the template's default language (a
	// segment header's default language).
	LanguageDefault string
	// Document is set for RecordDocumentInteraction.
	Document Document
	// SegmentNo and LoggedSegmentEntryNo are set for LogSegment.
	SegmentNo            string
	LoggedSegmentEntryNo *int64
	// Postponed builds a draft: rule 1 (privacy, salesperson) is skipped, the
	// template may be missing, and an unknown language override is dropped.
	Postponed bool
	// UserID is the caller (rule 5); Now is the current time, Unix micros.
	UserID string
	Now    int64
}

// BuildEntry applies SPEC §2.5 rules 1-5 in order and returns the entry to
// insert (EntryNo and CommentCount unset). It does not touch the database.
//
//  1. a privacy-blocked contact is FAILED_PRECONDITION
//     CONTACT_PRIVACY_BLOCKED; the salesperson is the override, else the
//     contact's; a manual interaction (Document.Type 0) without one is
//     INVALID_ARGUMENT SALESPERSON_REQUIRED naming "salesperson_code", a
//     document interaction stays blank (BC's LogDocument);
//  2. group, description, cost, duration, information flow, initiated by
//     and campaign no./target/response come from the template unless
//     overridden;
//  3. language row: the override (must be a row: INVALID_ARGUMENT naming
//     "language_code"), else the contact's language when the template has
//     that row, else LanguageDefault, else the template's default language,
//     else none. Attachment: the override; else the chosen row's (none
//     when the row has none); else, when no row was chosen, the template's
//     own;
//  4. correspondence type: the override; else the template's default when
//     the template ignores the contact's preference or the contact has none;
//     else the contact's preference. EMAIL becomes blank when the contact
//     has no e-mail address;
//  5. contact company no. is the contact's company no. now; user id is
//     UserID; evaluation and attempt failed are kept as given.
func BuildEntry(in InteractionInput) (InteractionLogEntry, error) {
	salesperson, err := resolveSalesperson(in)
	if err != nil {
		return InteractionLogEntry{}, err
	}
	e := templateDefaults(in)
	e.SalespersonCode = salesperson
	applyOverrides(&e, in.Overrides)
	row, found, err := chooseLanguage(in)
	if err != nil {
		return InteractionLogEntry{}, err
	}
	e.LanguageCode = row.LanguageCode
	e.AttachmentID = chooseAttachment(in, row, found)
	e.CorrespondenceType = resolveCorrespondenceType(in)
	e.ContactVia = resolveContactVia(in, e.CorrespondenceType)
	return e, nil
}

// resolveSalesperson applies rule 1 and returns the entry's salesperson.
func resolveSalesperson(in InteractionInput) (string, error) {
	given := deref(in.Overrides.SalespersonCode)
	if in.Postponed {
		return cmp.Or(given, in.Contact.SalespersonCode), nil
	}
	if in.Contact.PrivacyBlocked {
		return "", newError(ErrPrecondition, ReasonContactPrivacyBlocked,
			"contact %q is privacy blocked: no interaction can be logged for it", in.Contact.No)
	}
	salesperson := cmp.Or(given, in.Contact.SalespersonCode)
	if salesperson == "" && in.Document.Type == 0 {
		return "", invalidField("salesperson_code", ReasonSalespersonRequired,
			"a manual interaction needs a salesperson and contact %q has none: give salesperson_code", in.Contact.No)
	}
	return salesperson, nil
}

// templateDefaults starts an entry from the contact, the template and the
// input's bookkeeping values (rules 2 and 5).
func templateDefaults(in InteractionInput) InteractionLogEntry {
	t := in.Template.Template
	return InteractionLogEntry{
		ContactNo:            in.Contact.No,
		ContactCompanyNo:     in.Contact.CompanyNo,
		InteractionTime:      in.Now,
		Description:          t.Description,
		InformationFlow:      t.InformationFlow,
		InitiatedBy:          t.InitiatedBy,
		CostMicros:           t.UnitCostMicros,
		DurationSeconds:      t.UnitDurationSeconds,
		UserID:               in.UserID,
		GroupCode:            t.GroupCode,
		TemplateCode:         t.Code,
		CampaignNo:           t.CampaignNo,
		CampaignTarget:       t.CampaignTarget,
		CampaignResponse:     t.CampaignResponse,
		SegmentNo:            in.SegmentNo,
		LoggedSegmentEntryNo: in.LoggedSegmentEntryNo,
		Postponed:            in.Postponed,
		DocumentType:         in.Document.Type,
		DocumentNo:           in.Document.No,
		VersionNo:            in.Document.VersionNo,
		DocNoOccurrence:      in.Document.Occurrence,
		CreateTime:           in.Now,
		UpdateTime:           in.Now,
	}
}

// resolvedOverrides are the fields of Overrides that rules 1, 3 and 4
// resolve; applyOverrides copies every other set override to the entry field
// of the same name.
var resolvedOverrides = map[string]bool{
	"Description": true, "SalespersonCode": true, "LanguageCode": true, "CorrespondenceType": true, "ContactVia": true,
	"AttachmentID": true,
}

// applyOverrides copies the set overrides that need no resolution, and a
// non-blank description.
func applyOverrides(e *InteractionLogEntry, o Overrides) {
	dst, src := reflect.ValueOf(e).Elem(), reflect.ValueOf(o)
	for i := range src.NumField() {
		name := src.Type().Field(i).Name
		if f := src.Field(i); !f.IsNil() && !resolvedOverrides[name] {
			dst.FieldByName(name).Set(f.Elem())
		}
	}
	if deref(o.Description) != "" {
		e.Description = *o.Description
	}
}

// chooseLanguage applies rule 3 and returns the chosen row, if any.
func chooseLanguage(in InteractionInput) (InteractionTemplateLanguage, bool, error) {
	t := in.Template
	if code := in.Overrides.LanguageCode; code != nil {
		row, found := t.language(*code)
		if !found && *code != "" && !in.Postponed {
			return row, false, invalidField("language_code", ReasonInvalidField,
				"interaction template %q has no language row %q", t.Template.Code, *code)
		}
		return row, found, nil
	}
	for _, code := range []string{in.Contact.LanguageCode, in.LanguageDefault, t.Template.LanguageCodeDefault} {
		if row, found := t.language(code); found {
			return row, true, nil
		}
	}
	return InteractionTemplateLanguage{}, false, nil
}

// chooseAttachment applies rule 3's attachment: the request's own, else the
// chosen row's (none when the row has none), else, when no row was chosen,
// the template's own.
func chooseAttachment(in InteractionInput, row InteractionTemplateLanguage, found bool) *int64 {
	switch {
	case in.Overrides.AttachmentID != nil:
		return in.Overrides.AttachmentID
	case found:
		return row.AttachmentID
	}
	return in.Template.Template.AttachmentID
}

// resolveCorrespondenceType applies rule 4.
func resolveCorrespondenceType(in InteractionInput) int16 {
	def := CorrespondenceDefault{
		Type:                    in.Template.Template.CorrespondenceType,
		IgnoreContactPreference: in.Template.Template.IgnoreContactCorrespondenceType,
	}
	if in.CorrespondenceDefault != nil {
		def = *in.CorrespondenceDefault
	}
	typ := in.Contact.CorrespondenceType
	switch {
	case in.Overrides.CorrespondenceType != nil:
		typ = *in.Overrides.CorrespondenceType
	case def.IgnoreContactPreference || typ == CorrespondenceTypeNone:
		typ = def.Type
	}
	if typ == CorrespondenceTypeEmail && in.Contact.Email == "" {
		return CorrespondenceTypeNone
	}
	return typ
}

// resolveContactVia returns the override, else the contact's e-mail address
// for an e-mail.
func resolveContactVia(in InteractionInput, correspondenceType int16) string {
	if in.Overrides.ContactVia != nil {
		return *in.Overrides.ContactVia
	}
	if correspondenceType == CorrespondenceTypeEmail {
		return in.Contact.Email
	}
	return ""
}

// PrefixField prefixes the field an invalid-input error names (for example
// "overrides." or "lines[3].overrides."); other errors pass unchanged.
func PrefixField(err error, prefix string) error {
	var se *Error
	if errors.As(err, &se) && se.Field != "" {
		copied := *se
		copied.Field = prefix + se.Field
		return &copied
	}
	return err
}

// inChunk bounds the length of IN lists (SQLite allows 32766 variables).
const inChunk = 1000

// shareContacts reads the given contacts, keyed by no., and share-locks them
// so that they are not deleted or retyped before the transaction ends.
// Missing contacts are simply absent from the map.
func shareContacts(tx *gorm.DB, nos []string) (map[string]Contact, error) {
	out := make(map[string]Contact, len(nos))
	for chunk := range slices.Chunk(distinct(nos), inChunk) {
		var rows []Contact
		if err := tx.Clauses(clause.Locking{Strength: clause.LockingStrengthShare}).
			Where("no IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, c := range rows {
			out[c.No] = c
		}
	}
	return out, nil
}

// loadTemplateRows reads the given templates with their language rows, keyed
// by template code; missing templates are absent. One query per chunk (the
// templates joined to their rows), as every LogInteraction pays for each
// round trip.
func loadTemplateRows(tx *gorm.DB, codes []string) (map[string]TemplateRows, error) {
	out := make(map[string]TemplateRows, len(codes))
	for chunk := range slices.Chunk(distinct(codes), inChunk) {
		var rows []templateWithLanguage
		if err := scanRows(tx.Table("interaction_templates t").Select("t.*, "+languageColumns).
			Joins("LEFT JOIN interaction_template_languages l ON l.template_code = t.code").
			Where("t.code IN ?", chunk), &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			t := out[r.Code]
			t.Template = r.InteractionTemplate
			if r.Language.LanguageCode != "" {
				t.Languages = append(t.Languages, r.Language)
			}
			out[r.Code] = t
		}
	}
	for _, t := range out {
		sortLanguages(t.Languages)
	}
	return out, nil
}

// sortLanguages orders language rows by code. Sorted here, not by the query:
// an ORDER BY made MariaDB build a temporary table on every call.
func sortLanguages(rows []InteractionTemplateLanguage) {
	slices.SortFunc(rows, func(a, b InteractionTemplateLanguage) int { return strings.Compare(a.LanguageCode, b.LanguageCode) })
}

// templateWithLanguage is a row of templates LEFT JOIN language rows.
type templateWithLanguage struct {
	InteractionTemplate
	Language InteractionTemplateLanguage `gorm:"embedded;embeddedPrefix:l_"`
}

// languageColumns selects a language row under the l_ prefix; a template
// without rows gives blanks (and no attachment).
const languageColumns = "COALESCE(l.template_code, '') AS l_template_code, COALESCE(l.language_code, '') AS l_language_code, " +
	"COALESCE(l.description, '') AS l_description, l.attachment_id AS l_attachment_id, " +
	"COALESCE(l.user_id, '') AS l_user_id, COALESCE(l.create_time, 0) AS l_create_time, COALESCE(l.update_time, 0) AS l_update_time"

// entryInsertBatch is how many entries one INSERT writes on MySQL;
// insertBatch makes it fit SQLite.
const entryInsertBatch = 1000

// insertEntries writes entries with multi-row INSERTs, fills their EntryNo
// (GORM reads the ids the database assigned) and share-locks their
// attachments, making those of logged entries read-only.
func insertEntries(tx *gorm.DB, entries []InteractionLogEntry) error {
	if len(entries) == 0 {
		return nil
	}
	const columns = 37 // all but entry_no
	if err := tx.CreateInBatches(entries, insertBatch(tx, columns, entryInsertBatch)).Error; err != nil {
		return err
	}
	return shareEntryAttachments(tx, entries)
}
