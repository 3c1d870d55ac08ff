package reliability

import (
	"database/sql"
	"testing"
)

// loss is what a comparison of the ledger with the database found.
type loss struct {
	acknowledged   int // interactions and segments the server acknowledged
	missing        int // acknowledged but not in the database
	duplicated     int // in the database more than once
	halfLogged     int // segments with some but not all of their entries
	orphans        int // comments without their entry
	unacknowledged int // in the database but never acknowledged (allowed: the client gave up)
}

func (l loss) lost() int { return l.missing + l.duplicated + l.halfLogged + l.orphans }

// verify compares the database with the ledger. Every acknowledged
// interaction must be there exactly once (found by its subject, the request
// id) with the entry no. the server answered and its comment; every
// acknowledged segment must have one logged segment and one entry per line;
// no segment may be half logged and no comment may lose its entry.
func verify(t testing.TB, db *sql.DB, l *ledger) loss {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out loss
	out.acknowledged = len(l.logged) + len(l.segments)

	type single struct{ count, entry, comments int64 }
	entries := map[string]single{}
	rows := query(t, db, `SELECT e.subject, COUNT(DISTINCT e.entry_no), MIN(e.entry_no), COUNT(c.id)
		FROM interaction_log_entries e LEFT JOIN interaction_log_comments c ON c.entry_no = e.entry_no
		WHERE e.segment_no = '' GROUP BY e.subject`)
	for rows.Next() {
		var subject string
		var s single
		must(t, rows.Scan(&subject, &s.count, &s.entry, &s.comments))
		entries[subject] = s
	}
	must(t, rows.Err())
	for id, entry := range l.logged {
		s, ok := entries[id]
		switch {
		case !ok:
			out.missing++
			t.Errorf("interaction %s acknowledged as entry %d is not in the database", id, entry)
		case s.count != 1 || s.comments != 1:
			out.duplicated++
			t.Errorf("interaction %s is in the database %d times with %d comments", id, s.count, s.comments)
		case s.entry != entry:
			out.missing++
			t.Errorf("interaction %s acknowledged as entry %d is entry %d", id, entry, s.entry)
		}
	}
	for subject := range entries {
		if _, ok := l.logged[subject]; !ok {
			out.unacknowledged++
		}
	}

	type logged struct{ entries, minLogged, maxLogged, loggedSegments int64 }
	segments := map[string]logged{}
	rows = query(t, db, `SELECT e.segment_no, COUNT(*), MIN(e.logged_segment_entry_no), MAX(e.logged_segment_entry_no),
		(SELECT COUNT(*) FROM logged_segments s WHERE s.segment_no = e.segment_no)
		FROM interaction_log_entries e WHERE e.segment_no <> '' GROUP BY e.segment_no`)
	for rows.Next() {
		var no string
		var s logged
		must(t, rows.Scan(&no, &s.entries, &s.minLogged, &s.maxLogged, &s.loggedSegments))
		segments[no] = s
	}
	must(t, rows.Err())
	for no, lines := range l.lines {
		s, ok := segments[no]
		ack, acked := l.segments[no]
		switch {
		case ok && s.entries != int64(lines):
			out.halfLogged++
			t.Errorf("segment %s has %d of its %d entries", no, s.entries, lines)
		case ok && (s.loggedSegments != 1 || s.minLogged != s.maxLogged):
			out.duplicated++
			t.Errorf("segment %s was logged %d times", no, s.loggedSegments)
		case acked && !ok:
			out.missing++
			t.Errorf("segment %s acknowledged as logged segment %d has no entries", no, ack)
		case acked && s.minLogged != ack:
			out.missing++
			t.Errorf("segment %s acknowledged as logged segment %d has entries of %d", no, ack, s.minLogged)
		case ok && !acked:
			out.unacknowledged++
		}
	}

	var orphans int
	must(t, db.QueryRow(`SELECT COUNT(*) FROM interaction_log_comments c
		LEFT JOIN interaction_log_entries e ON e.entry_no = c.entry_no WHERE e.entry_no IS NULL`).Scan(&orphans))
	if orphans > 0 {
		out.orphans = orphans
		t.Errorf("%d comments without their entry", orphans)
	}
	return out
}

func query(t testing.TB, db *sql.DB, q string, args ...any) *sql.Rows {
	t.Helper()
	rows, err := db.Query(q, args...)
	must(t, err)
	t.Cleanup(func() { rows.Close() })
	return rows
}

// checkConsistency fails the test for rows that break the log's own rules,
// whatever the history: comments without their entry, wrong comment counts,
// active entries of a canceled logged segment, wrong interaction counts of
// logged segments.
func checkConsistency(t testing.TB, db *sql.DB) {
	t.Helper()
	for what, q := range map[string]string{
		"comments without their entry": `SELECT COUNT(*) FROM interaction_log_comments c
			LEFT JOIN interaction_log_entries e ON e.entry_no = c.entry_no WHERE e.entry_no IS NULL`,
		"entries whose comment count is wrong": `SELECT COUNT(*) FROM interaction_log_entries e
			WHERE e.comment_count <> (SELECT COUNT(*) FROM interaction_log_comments c WHERE c.entry_no = e.entry_no)`,
		"active entries of a canceled logged segment": `SELECT COUNT(*) FROM interaction_log_entries e
			JOIN logged_segments s ON s.entry_no = e.logged_segment_entry_no WHERE s.canceled AND NOT e.canceled`,
		"logged segments whose interaction count is wrong": `SELECT COUNT(*) FROM logged_segments s
			WHERE s.interaction_count <> (SELECT COUNT(*) FROM interaction_log_entries e WHERE e.logged_segment_entry_no = s.entry_no)`,
	} {
		var n int
		must(t, db.QueryRow(q).Scan(&n))
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
}
