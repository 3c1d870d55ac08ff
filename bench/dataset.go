package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// The benchmark data set: master data created through the API, and a large
// interaction log bulk-loaded with multi-row INSERTs (setup, not measured).
const (
	groupCount     = 5
	templateCount  = 20
	companyCount   = 2000
	personsPerCo   = 4
	salespersons   = 10
	loadUser       = "bench-load"
	loadBatchRows  = 1000
	loadGoroutines = 4
)

// The large table's entries are spread evenly over these twelve months.
var (
	loadStart = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	loadEnd   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

func groupCode(i int) string    { return fmt.Sprintf("G%d", i%groupCount+1) }
func templateCode(i int) string { return fmt.Sprintf("T%02d", i+1) }
func companyNo(i int) string    { return fmt.Sprintf("CO%05d", i+1) }
func personNo(company, j int) string {
	return fmt.Sprintf("P%05d-%d", company+1, j+1)
}
func salesperson(i int) string { return fmt.Sprintf("SP%02d", i%salespersons+1) }

// ensureMasterData creates the groups, templates and contacts once.
func (e *env) ensureMasterData(ctx context.Context) error {
	for i := range groupCount {
		_, err := e.groups.CreateInteractionGroup(ctx, &apiv1.CreateInteractionGroupRequest{
			InteractionGroup: &apiv1.InteractionGroup{Code: groupCode(i), Description: "bench"},
		})
		if err := ignoreExists(err); err != nil {
			return err
		}
	}
	for i := range templateCount {
		_, err := e.templates.CreateInteractionTemplate(ctx, &apiv1.CreateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{
				Code: templateCode(i), InteractionGroupCode: groupCode(i), Description: "bench " + templateCode(i),
				UnitCost: "1.25", UnitDuration: durationpb.New(5 * time.Minute),
				InformationFlow: apiv1.InformationFlow_INFORMATION_FLOW_OUTBOUND, InitiatedBy: apiv1.InitiatedBy_INITIATED_BY_US,
			},
		})
		if err := ignoreExists(err); err != nil {
			return err
		}
	}
	return e.upsertContacts(ctx)
}

// upsertContacts writes every company and its persons, 1000 per call.
func (e *env) upsertContacts(ctx context.Context) error {
	var batch []*apiv1.Contact
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := e.contacts.BatchUpsertContacts(ctx, &apiv1.BatchUpsertContactsRequest{Contacts: batch})
		batch = nil
		return err
	}
	for c := range companyCount {
		batch = append(batch, &apiv1.Contact{No: companyNo(c), Type: apiv1.ContactType_CONTACT_TYPE_COMPANY, DisplayName: "Company " + companyNo(c)})
		for p := range personsPerCo {
			batch = append(batch, &apiv1.Contact{
				No: personNo(c, p), Type: apiv1.ContactType_CONTACT_TYPE_PERSON, CompanyNo: companyNo(c),
				DisplayName: "Person " + personNo(c, p), SalespersonCode: salesperson(c + p),
			})
		}
		if len(batch) >= 1000-personsPerCo-1 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func ignoreExists(err error) error {
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}

// ensureLargeTable bulk-loads cfg.rows entries unless they are there already.
func (e *env) ensureLargeTable(ctx context.Context) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	var have int
	if err := e.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM interaction_log_entries WHERE user_id = ?", loadUser).Scan(&have); err != nil {
		return err
	}
	if have == e.cfg.rows && !e.cfg.reload {
		fmt.Printf("(large table: %d loaded entries found, not reloaded)\n", have)
		return nil
	}
	if err := e.emptyLog(ctx); err != nil {
		return err
	}
	start := time.Now()
	if err := e.bulkLoad(ctx, e.cfg.rows); err != nil {
		return err
	}
	if _, err := e.raw.ExecContext(ctx, "ANALYZE TABLE interaction_log_entries"); err != nil {
		return err
	}
	fmt.Printf("(large table: loaded %d entries in %s)\n", e.cfg.rows, time.Since(start).Round(time.Second))
	return nil
}

// emptyLog deletes every entry and comment of the benchmark database.
func (e *env) emptyLog(ctx context.Context) error {
	conn, err := e.raw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, stmt := range []string{
		"SET FOREIGN_KEY_CHECKS = 0", "TRUNCATE TABLE interaction_log_comments",
		"TRUNCATE TABLE interaction_log_entries", "SET FOREIGN_KEY_CHECKS = 1",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// loadColumns are the columns the bulk load fills; the others keep their defaults.
var loadColumns = []string{
	"contact_no", "contact_company_no", "interaction_time", "description", "information_flow",
	"initiated_by", "cost_micros", "duration_seconds", "user_id", "group_code", "template_code",
	"salesperson_code", "canceled", "attempt_failed", "correspondence_type", "create_time", "update_time",
}

// bulkLoad inserts n entries with multi-row INSERTs from a few goroutines.
func (e *env) bulkLoad(ctx context.Context, n int) error {
	stmt := "INSERT INTO interaction_log_entries (" + strings.Join(loadColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", len(loadColumns)), ",")+"),", loadBatchRows), ",")
	batches := make(chan int)
	errs := make(chan error, loadGoroutines)
	var wg sync.WaitGroup
	for g := range loadGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.loadBatches(ctx, stmt, rand.New(rand.NewPCG(uint64(g), 42)), batches); err != nil {
				errs <- err
			}
		}()
	}
	for b := 0; b < n/loadBatchRows; b++ {
		select {
		case batches <- b:
		case err := <-errs:
			close(batches)
			return err
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// loadBatches inserts a batch of rows per value received from batches, on a
// connection of its own that skips the foreign-key checks: the rows name
// contacts that exist, and on TiDB the checks lock those contacts, so that
// concurrent batches waited for each other until the lock wait timeout.
func (e *env) loadBatches(ctx context.Context, stmt string, rng *rand.Rand, batches <-chan int) error {
	conn, err := e.raw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		return err
	}
	for range batches {
		if _, err := conn.ExecContext(ctx, stmt, loadRows(rng, loadBatchRows)...); err != nil {
			return err
		}
	}
	_, err = conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1")
	return err
}

// loadRows makes the arguments of one multi-row INSERT.
func loadRows(rng *rand.Rand, rows int) []any {
	now := time.Now().UnixMicro()
	span := loadEnd.UnixMicro() - loadStart.UnixMicro()
	args := make([]any, 0, rows*len(loadColumns))
	for range rows {
		company, person := rng.IntN(companyCount), rng.IntN(personsPerCo+1)
		contact := companyNo(company)
		if person < personsPerCo {
			contact = personNo(company, person)
		}
		tmpl := rng.IntN(templateCount)
		args = append(args,
			contact, companyNo(company), loadStart.UnixMicro()+rng.Int64N(span), "bench", 1,
			1, rng.Int64N(100_000_000), rng.Int64N(3600), loadUser, groupCode(tmpl), templateCode(tmpl),
			salesperson(company+person), rng.IntN(100) < 3, rng.IntN(100) < 10, 2, now, now)
	}
	return args
}
