package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// segmentSizes are the segments benchSegment logs.
var segmentSizes = []int{10_000, 100_000}

// Targets of issue 4.
const (
	segmentRatioTarget = 0.5
	segmentMemoryMiB   = 300
)

// segmentRounds is how often each size is measured; medians are reported
// (on the shared machine single runs vary by a factor of two).
const segmentRounds = 3

// segmentBench logs segments through an interlogd process.
type segmentBench struct {
	e        *env
	srv      *interlogd
	segments apiv1.SegmentServiceClient
	settled  time.Duration // waited for the database to settle
}

// segmentRound is one measurement of one size.
type segmentRound struct {
	service, raw float64 // rows per second
	memoryGrowth int64   // the server's peak resident set minus its resident set before the call
	peakMemory   int64   // the server's peak resident set during the call
}

// benchSegment logs segments of each size with LogSegment on an interlogd
// process and compares the entries written per second with the raw rate of
// inserting the very same rows with multi-row INSERTs through database/sql,
// in one transaction like LogSegment's. It also reports how much the
// server's resident memory grew at the peak of the call.
func benchSegment(ctx context.Context, e *env) error {
	if err := e.ensureMasterData(ctx); err != nil {
		return err
	}
	if err := e.ensureSegmentContacts(ctx, segmentSizes[len(segmentSizes)-1]); err != nil {
		return err
	}
	srv, err := startInterlogd(ctx, e.cfg.mysqlURL)
	if err != nil {
		return err
	}
	defer srv.stop()
	b := &segmentBench{e: e, srv: srv, segments: apiv1.NewSegmentServiceClient(srv.conn)}
	fmt.Printf("| lines | LogSegment entries/s | raw multi-row INSERT rows/s | ratio | peak memory growth (peak) | |\n|---|---|---|---|---|---|\n")
	for _, n := range segmentSizes {
		var rounds []segmentRound
		for range segmentRounds {
			r, err := b.measure(ctx, n)
			if err != nil {
				return fmt.Errorf("%d lines: %w", n, err)
			}
			rounds = append(rounds, r)
		}
		ratio := median(mapRounds(rounds, func(r segmentRound) float64 { return r.service / r.raw }))
		growth := slices.Max(mapRounds(rounds, func(r segmentRound) int64 { return r.memoryGrowth }))
		peak := slices.Max(mapRounds(rounds, func(r segmentRound) int64 { return r.peakMemory }))
		fmt.Printf("| %d | %.0f | %.0f | %.2f | %.0f MiB (%.0f MiB) | %s; memory %s |\n", n,
			median(mapRounds(rounds, func(r segmentRound) float64 { return r.service })),
			median(mapRounds(rounds, func(r segmentRound) float64 { return r.raw })),
			ratio, mib(growth), mib(peak), verdict(ratio, segmentRatioTarget, true), verdict(mib(growth), segmentMemoryMiB, false))
	}
	fmt.Printf("\nMedians of %d rounds (the ratio: of the rounds' ratios); memory: the largest growth of the\n"+
		"rounds, VmHWM during the call (reset through /proc/PID/clear_refs) minus VmRSS before it;\n"+
		"in brackets the largest VmHWM itself.\n"+
		"Before each measurement the benchmark waited for InnoDB to purge and flush (%s in all).\n",
		segmentRounds, b.settled.Round(time.Second))
	return nil
}

func mapRounds[T any](rounds []segmentRound, f func(segmentRound) T) []T {
	out := make([]T, len(rounds))
	for i, r := range rounds {
		out[i] = f(r)
	}
	return out
}

// segmentContact names the benchmark's segment contacts.
func segmentContact(i int) string { return fmt.Sprintf("SB%07d", i+1) }

// ensureSegmentContacts writes n contacts for the segments once (kept between runs).
func (e *env) ensureSegmentContacts(ctx context.Context, n int) error {
	var have int
	if err := e.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM contacts WHERE no LIKE 'SB%'").Scan(&have); err != nil {
		return err
	}
	now := time.Now().UnixMicro()
	for start := have; start < n; start += 1000 {
		rows := min(1000, n-start)
		args := make([]any, 0, rows*5)
		for i := start; i < start+rows; i++ {
			args = append(args, segmentContact(i), "Segment contact", salesperson(i), now, now)
		}
		stmt := "INSERT IGNORE INTO contacts (no, type, display_name, salesperson_code, create_time, update_time, etag) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, 2, ?, ?, ?, ?, 'bench'),", rows), ",")
		if _, err := e.raw.ExecContext(ctx, stmt, args...); err != nil {
			return err
		}
	}
	return nil
}

// measure logs a fresh segment of n lines, inserts copies of its entries
// raw, then deletes both, so that rounds do not accumulate rows.
func (b *segmentBench) measure(ctx context.Context, n int) (segmentRound, error) {
	var r segmentRound
	no := fmt.Sprintf("BENCH-%d", n)
	if err := b.e.dropSegmentRows(ctx, no); err != nil {
		return r, err
	}
	if err := b.prepare(ctx, no, n); err != nil {
		return r, err
	}
	if err := b.waitQuiet(ctx); err != nil {
		return r, err
	}
	before, err := b.srv.residentBytes()
	if err != nil {
		return r, err
	}
	if err := b.srv.resetPeak(); err != nil {
		return r, err
	}
	var resp *apiv1.LogSegmentResponse
	elapsed, err := timed(func() (err error) {
		resp, err = b.segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/" + no})
		return err
	})
	if err != nil {
		return r, err
	}
	peak, err := b.srv.peakBytes()
	if err != nil {
		return r, err
	}
	r.memoryGrowth, r.peakMemory = peak-before, peak
	r.service = float64(resp.GetLoggedSegment().GetInteractionCount()) / elapsed.Seconds()
	if r.raw, err = b.rawInsert(ctx, resp.GetLoggedSegment().GetEntryNo()); err != nil {
		return r, err
	}
	return r, b.e.dropSegmentRows(ctx, no)
}

// prepare creates segment no with n lines (setup, not measured).
func (b *segmentBench) prepare(ctx context.Context, no string, n int) error {
	_, err := b.segments.DeleteSegment(ctx, &apiv1.DeleteSegmentRequest{Name: "segments/" + no})
	if err != nil && status.Code(err) != codes.NotFound {
		return err
	}
	if _, err := b.segments.CreateSegment(ctx, &apiv1.CreateSegmentRequest{Segment: &apiv1.Segment{
		No: no, Description: "Benchmark segment", InteractionTemplateCode: templateCode(0), Subject: "bench",
	}}); err != nil {
		return err
	}
	const perCall = 10_000
	for start := 0; start < n; start += perCall {
		lines := make([]*apiv1.SegmentLine, 0, perCall)
		for i := start; i < min(start+perCall, n); i++ {
			lines = append(lines, &apiv1.SegmentLine{ContactNo: segmentContact(i)})
		}
		if _, err := b.segments.BatchCreateSegmentLines(ctx, &apiv1.BatchCreateSegmentLinesRequest{Parent: "segments/" + no, SegmentLines: lines}); err != nil {
			return err
		}
	}
	return nil
}

// rawInsert reads the entries of a logged segment and inserts copies of
// them (every column but entry_no) with multi-row INSERTs of 1000 rows in
// one READ COMMITTED transaction; it returns rows per second of the inserts
// and the commit.
func (b *segmentBench) rawInsert(ctx context.Context, loggedSegment int64) (float64, error) {
	rows, err := b.e.raw.QueryContext(ctx, "SELECT "+strings.Join(entryColumns, ", ")+
		" FROM interaction_log_entries WHERE logged_segment_entry_no = ? ORDER BY entry_no", loggedSegment)
	if err != nil {
		return 0, err
	}
	values, err := scanRows(rows, len(entryColumns))
	if err != nil {
		return 0, err
	}
	if err := b.waitQuiet(ctx); err != nil {
		return 0, err
	}
	elapsed, err := timed(func() error { return insertRowsInOneTx(ctx, b.e.raw, values, 1000) })
	return float64(len(values)) / elapsed.Seconds(), err
}

// insertRowsInOneTx inserts entries (values of entryColumns) with
// multi-row INSERTs of perInsert rows and commits once.
func insertRowsInOneTx(ctx context.Context, db *sql.DB, values [][]any, perInsert int) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(entryColumns)), ", ") + ")"
	for first := 0; first < len(values); first += perInsert {
		batch := values[first:min(first+perInsert, len(values))]
		args := make([]any, 0, len(batch)*len(entryColumns))
		for _, row := range batch {
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, rawInsertSQL+strings.Repeat(", "+tuple, len(batch)-1), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// scanRows reads every row of cols columns as driver values.
func scanRows(rows *sql.Rows, cols int) ([][]any, error) {
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		row := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// dropSegmentRows deletes the entries and logged segments of segment no.
// (the logged ones and their raw copies), in chunks.
func (e *env) dropSegmentRows(ctx context.Context, no string) error {
	for _, stmt := range []string{
		"DELETE FROM interaction_log_entries WHERE segment_no = ? LIMIT 10000",
		"DELETE FROM logged_segments WHERE segment_no = ? LIMIT 10000",
	} {
		for {
			res, err := e.raw.ExecContext(ctx, stmt, no)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				break
			}
		}
	}
	return nil
}

// waitQuiet waits (up to 30 s) until InnoDB has purged most old row
// versions and flushed most dirty pages, so that a measurement does not pay
// for the background work of the previous one (MariaDB's default 128 MiB
// buffer pool does not hold 100 000 entries with their indexes).
func (b *segmentBench) waitQuiet(ctx context.Context) error {
	start := time.Now()
	defer func() { b.settled += time.Since(start) }()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		history, dirty, total, err := b.e.innodbBacklog(ctx)
		if err != nil {
			return err
		}
		if history < 10_000 && dirty*10 < total {
			return nil
		}
	}
	return nil
}

// innodbBacklog reads InnoDB's undo history length and dirty and total
// buffer pool pages.
func (e *env) innodbBacklog(ctx context.Context) (history, dirty, total int64, err error) {
	rows, err := e.raw.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN "+
		"('Innodb_history_list_length', 'Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')")
	if err != nil {
		return 0, 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var value int64
		if err := rows.Scan(&name, &value); err != nil {
			return 0, 0, 0, err
		}
		switch name {
		case "Innodb_history_list_length":
			history = value
		case "Innodb_buffer_pool_pages_dirty":
			dirty = value
		case "Innodb_buffer_pool_pages_total":
			total = value
		}
	}
	return history, dirty, total, rows.Err()
}
