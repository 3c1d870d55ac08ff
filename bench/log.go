package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// benchLog compares LogInteraction calls per second with the raw rate of the
// transaction at its core: one single-row INSERT of an entry, committed,
// through database/sql, at the same concurrency and pool size. Three more
// columns place the gap: the store method alone (no gRPC), the statements
// LogInteraction sends, written by hand through database/sql, and a gRPC call
// that does no database work.
func benchLog(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	fmt.Print("| concurrency | LogInteraction calls/s | raw insert tx/s | ratio | | store.LogInteraction calls/s | its statements by hand tx/s | gRPC alone calls/s |\n" +
		"|---|---|---|---|---|---|---|---|\n")
	for _, n := range e.cfg.concurrency {
		r, err := alternatingRates(ctx, n, e.cfg.duration, e.logOne, e.rawInsert, e.storeLogOne, e.rawLogStatements, e.grpcAlone)
		if err != nil {
			return fmt.Errorf("concurrency %d: %w", n, err)
		}
		service, raw := r[0], r[1]
		note := ""
		if n == 64 {
			note = verdict(service/raw, 0.5, true)
		}
		fmt.Printf("| %d | %.0f | %.0f | %.2f | %s | %.0f | %.0f | %.0f |\n", n, service, raw, service/raw, note, r[2], r[3], r[4])
	}
	return nil
}

// benchHotContact compares LogInteraction for one contact from one template
// with LogInteraction for random contacts and templates, at the highest
// concurrency. Logging share-locks the contact and the template: on MySQL and
// MariaDB shared locks let the calls for one contact run side by side; TiDB
// promotes them to exclusive locks, so those calls run one at a time.
func benchHotContact(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	n := slices.Max(e.cfg.concurrency)
	r, err := alternatingRates(ctx, n, e.cfg.duration, e.logOne, e.logHot)
	if err != nil {
		return err
	}
	fmt.Printf("| concurrency | random contacts calls/s | one contact calls/s | ratio |\n|---|---|---|---|\n"+
		"| %d | %.0f | %.0f | %.2f |\n", n, r[0], r[1], r[1]/r[0])
	return nil
}

// logHot logs one interaction of the first person of the first company from
// the first template.
func (e *env) logHot(ctx context.Context) error {
	_, err := e.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: personNo(0, 0), InteractionTemplateCode: templateCode(0)})
	return err
}

// logOne logs one interaction of a random person from a random template.
func (e *env) logOne(ctx context.Context) error {
	company, person, tmpl := randomIndexes()
	_, err := e.log.LogInteraction(ctx, &apiv1.LogInteractionRequest{
		ContactNo: personNo(company, person), InteractionTemplateCode: templateCode(tmpl),
	})
	return err
}

// storeLogOne is logOne without gRPC: the store method the handler calls.
func (e *env) storeLogOne(ctx context.Context) error {
	company, person, tmpl := randomIndexes()
	r := store.LogRequest{ContactNo: personNo(company, person), TemplateCode: templateCode(tmpl)}
	return e.store.RunInTx(ctx, store.Actor{Principal: "bench-store"}, func(tx *store.Tx) error {
		_, err := tx.LogInteraction(r)
		return err
	})
}

// grpcAlone is a call through the same server and interceptors that does no
// database work (the health check), to show what gRPC itself costs here.
func (e *env) grpcAlone(ctx context.Context) error {
	_, err := e.health.Check(ctx, &healthpb.HealthCheckRequest{})
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
	return e.rawTx(ctx, func(tx *sql.Tx, company, person, tmpl int) error {
		return insertRawEntry(ctx, tx, company, person, tmpl)
	})
}

// rawLogStatements sends what LogInteraction sends, by hand: one query for
// the contact (share-locked) with the template and its language rows, then
// the insert.
func (e *env) rawLogStatements(ctx context.Context) error {
	return e.rawTx(ctx, func(tx *sql.Tx, company, person, tmpl int) error {
		lock := "LOCK IN SHARE MODE"
		if e.store.IsTiDB() {
			// As the store does on TiDB: the template and its rows first, then
			// the join locks the contact alone.
			for _, q := range []string{
				"SELECT code FROM interaction_templates WHERE code = ? FOR SHARE",
				"SELECT language_code FROM interaction_template_languages WHERE template_code = ? FOR SHARE",
			} {
				if err := drain(tx.QueryContext(ctx, q, templateCode(tmpl))); err != nil {
					return err
				}
			}
			lock = "FOR SHARE OF contacts"
		}
		if err := drain(tx.QueryContext(ctx, `SELECT contacts.*, t.*, l.* FROM contacts
			LEFT JOIN interaction_templates t ON t.code = ?
			LEFT JOIN interaction_template_languages l ON l.template_code = t.code
			WHERE contacts.no = ? `+lock, templateCode(tmpl), personNo(company, person))); err != nil {
			return err
		}
		return insertRawEntry(ctx, tx, company, person, tmpl)
	})
}

// drain reads a query's rows to the end.
func drain(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Close()
}

// rawTx runs fn for a random person and template in one READ COMMITTED
// transaction through database/sql.
func (e *env) rawTx(ctx context.Context, fn func(tx *sql.Tx, company, person, tmpl int) error) error {
	company, person, tmpl := randomIndexes()
	tx, err := e.raw.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	if err := fn(tx, company, person, tmpl); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func insertRawEntry(ctx context.Context, tx *sql.Tx, company, person, tmpl int) error {
	now := time.Now().UnixMicro()
	_, err := tx.ExecContext(ctx, rawInsertSQL,
		personNo(company, person), companyNo(company), now, "", "bench "+templateCode(tmpl), "",
		1, 1, nil, 1_250_000, 300, "bench-raw",
		groupCode(tmpl), templateCode(tmpl), "", "", false, false,
		"", nil, 0, false, "", salesperson(company+person),
		0, false, false, 2, "", 0,
		"", 0, 0, "", 0, now, now)
	return err
}
