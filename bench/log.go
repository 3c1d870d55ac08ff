package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// benchLog compares LogInteraction calls per second with the raw rate of the
// transaction at its core: one single-row INSERT of an entry, committed,
// through database/sql, at the same concurrency and pool size.
func benchLog(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	fmt.Printf("| concurrency | LogInteraction calls/s | raw insert tx/s | ratio | |\n|---|---|---|---|---|\n")
	for _, n := range []int{1, 16, 64} {
		service, raw, err := alternatingRates(ctx, n, e.cfg.duration, e.logOne, e.rawInsert)
		if err != nil {
			return fmt.Errorf("concurrency %d: %w", n, err)
		}
		note := ""
		if n == 64 {
			note = verdict(service/raw, 0.5, true)
		}
		fmt.Printf("| %d | %.0f | %.0f | %.2f | %s |\n", n, service, raw, service/raw, note)
	}
	return nil
}

// logOne logs one interaction of a random person from a random template.
func (e *env) logOne(ctx context.Context) error {
	company, person, tmpl := randomIndexes()
	_, err := e.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: personNo(company, person), InteractionTemplateCode: templateCode(tmpl),
	})
	return err
}

// randomIndexes picks a person and a template (math/rand/v2's top-level
// functions are safe for concurrent use).
func randomIndexes() (company, person, tmpl int) {
	return rand.IntN(companyCount), rand.IntN(personsPerCo), rand.IntN(templateCount)
}

// entryColumns are every column of an entry but its entry no., as the
// service writes them.
var entryColumns = []string{
	"contact_no", "contact_company_no", "interaction_time", "time_zone", "description", "subject",
	"information_flow", "initiated_by", "attachment_id", "cost_micros", "duration_seconds", "user_id",
	"group_code", "template_code", "language_code", "campaign_no", "campaign_target", "campaign_response",
	"segment_no", "logged_segment_entry_no", "evaluation", "attempt_failed", "task_no", "salesperson_code",
	"delivery_status", "canceled", "postponed", "correspondence_type", "contact_via", "document_type",
	"document_no", "version_no", "doc_no_occurrence", "opportunity_no", "comment_count", "create_time", "update_time",
}

var rawInsertSQL = "INSERT INTO interaction_log_entries (" + strings.Join(entryColumns, ", ") + ") VALUES (" +
	strings.TrimSuffix(strings.Repeat("?, ", len(entryColumns)), ", ") + ")"

// rawInsert is one READ COMMITTED transaction inserting one entry like the
// ones LogInteraction makes.
func (e *env) rawInsert(ctx context.Context) error {
	company, person, tmpl := randomIndexes()
	now := time.Now().UnixMicro()
	tx, err := e.raw.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, rawInsertSQL,
		personNo(company, person), companyNo(company), now, "", "bench "+templateCode(tmpl), "",
		1, 1, nil, 1_250_000, 300, "bench-raw",
		groupCode(tmpl), templateCode(tmpl), "", "", false, false,
		"", nil, 0, false, "", salesperson(company+person),
		0, false, false, 2, "", 0,
		"", 0, 0, "", 0, now, now)
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
