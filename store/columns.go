package store

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"

	"gorm.io/gorm/schema"
)

var schemaCache sync.Map

// withColumns returns cur with the named columns copied from src: the row an
// update with a column list (a field mask) will leave, so that rules can be
// checked on it before it is written.
func withColumns[T any](cur, src T, columns []string) (T, error) {
	sch, err := schema.Parse(&cur, &schemaCache, schema.NamingStrategy{})
	if err != nil {
		return cur, err
	}
	ctx := context.Background()
	dst, from := reflect.ValueOf(&cur).Elem(), reflect.ValueOf(&src).Elem()
	for _, col := range columns {
		f := sch.LookUpField(col)
		if f == nil {
			return cur, fmt.Errorf("%s has no column %q", sch.Table, col)
		}
		v, _ := f.ValueOf(ctx, from)
		if err := f.Set(ctx, dst, v); err != nil {
			return cur, err
		}
	}
	return cur, nil
}

// Field is a field of a resource that an Update method may change, named as
// the API names it ("cost", "interaction_template_code"). Update methods take
// fields and write their columns: only the store knows its columns.
type Field string

// Updatable is the set of fields an Update method may change.
type Updatable struct {
	columns map[Field]string // each field's column
}

// Fields lists the updatable fields, sorted.
func (u Updatable) Fields() []Field {
	return slices.Sorted(maps.Keys(u.columns))
}

// columnsOf maps fields to their columns, each column once. A field that is
// not updatable is an error: the caller let through a field the store does
// not know.
func (u Updatable) columnsOf(resource string, fields []Field) ([]string, error) {
	cols := make([]string, 0, len(fields))
	for _, f := range fields {
		col, ok := u.columns[f]
		if !ok {
			return nil, fmt.Errorf("store: field %q of %s is not updatable", f, resource)
		}
		if !slices.Contains(cols, col) {
			cols = append(cols, col)
		}
	}
	return cols, nil
}

// The fields each Update method may change.
var (
	GroupUpdatable   = Updatable{columns: map[Field]string{"description": "description"}}
	CommentUpdatable = Updatable{columns: map[Field]string{"date": "comment_date", "text": "text"}}
	ContactUpdatable = Updatable{columns: map[Field]string{
		"type":                "type",
		"display_name":        "display_name",
		"company_no":          "company_no",
		"language_code":       "language_code",
		"correspondence_type": "correspondence_type",
		"salesperson_code":    "salesperson_code",
		"email":               "email",
		"phone":               "phone",
		"privacy_blocked":     "privacy_blocked",
	}}
	EntryUpdatable = Updatable{columns: map[Field]string{
		"description":     "description",
		"subject":         "subject",
		"evaluation":      "evaluation",
		"attempt_failed":  "attempt_failed",
		"cost":            "cost_micros",
		"duration":        "duration_seconds",
		"delivery_status": "delivery_status",
		"opportunity_no":  "opportunity_no",
		"task_no":         "task_no",
		"attachment":      "attachment_id",
	}}
	SegmentUpdatable = Updatable{columns: map[Field]string{
		"description":                        "description",
		"interaction_template_code":          "template_code",
		"campaign_no":                        "campaign_no",
		"campaign_target":                    "campaign_target",
		"campaign_response":                  "campaign_response",
		"salesperson_code":                   "salesperson_code",
		"interaction_time":                   "interaction_time",
		"correspondence_type":                "correspondence_type",
		"ignore_contact_correspondence_type": "ignore_contact_correspondence_type",
		"information_flow":                   "information_flow",
		"initiated_by":                       "initiated_by",
		"unit_cost":                          "unit_cost_micros",
		"unit_duration":                      "unit_duration_seconds",
		"language_code":                      "language_code",
		"subject":                            "subject",
	}}
	// SegmentLineUpdatable: the overrides are one field (one column); the
	// server edits single overrides through UpdateSegmentLine's EditOverrides.
	SegmentLineUpdatable = Updatable{columns: map[Field]string{
		"contact_no":                "contact_no",
		"interaction_template_code": "template_code",
		"overrides":                 "overrides",
	}}
	TemplateUpdatable = Updatable{columns: map[Field]string{
		"interaction_group_code":             "group_code",
		"description":                        "description",
		"unit_cost":                          "unit_cost_micros",
		"unit_duration":                      "unit_duration_seconds",
		"information_flow":                   "information_flow",
		"initiated_by":                       "initiated_by",
		"campaign_no":                        "campaign_no",
		"campaign_target":                    "campaign_target",
		"campaign_response":                  "campaign_response",
		"correspondence_type":                "correspondence_type",
		"ignore_contact_correspondence_type": "ignore_contact_correspondence_type",
		"language_code_default":              "language_code_default",
		"wizard_action":                      "wizard_action",
		"attachment":                         "attachment_id",
	}}
	LanguageUpdatable = Updatable{columns: map[Field]string{"description": "description", "attachment": "attachment_id"}}
)
