// Package faultdb wraps a database/sql connector so that tests can make
// chosen statements fail as the database would: a deadlock, a lock wait
// timeout, a connection lost before a statement, or a statement (a COMMIT,
// typically) that was applied but whose reply was lost. The errors are the
// engine's own (the MySQL driver's *MySQLError, SQLite's *sqlite.Error), so
// the code under test classifies them as it classifies real ones.
//
// A test arms rules on an Injector and hands Injector.Wrap to
// store.Options.WrapConnector:
//
//	in := faultdb.New()
//	st, _ := store.Open(ctx, url, store.Options{WrapConnector: in.Wrap})
//	commit := in.Arm(faultdb.Rule{Match: "COMMIT", InTxWith: "INSERT INTO interaction_log_entries", Fault: faultdb.ReplyLost})
//	... // the call under test
//	if commit.Fired() != 1 { ... }
//
// A rule fires on the Nth statement it matches, as many times as it says,
// then disarms itself, so that a test is deterministic. An Injector is safe
// for concurrent use.
package faultdb

import (
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"

	"github.com/go-sql-driver/mysql"
)

// Fault is what a statement a rule fires on does instead of (or after)
// running.
type Fault int

// The faults.
const (
	// Deadlock: the statement is not run and fails as a deadlock victim's
	// does (MySQL and TiDB error 1213, SQLITE_BUSY); at a COMMIT the
	// transaction is rolled back, as the database does to a victim.
	Deadlock Fault = iota + 1
	// LockWaitTimeout: the statement is not run and fails with MySQL error
	// 1205 (SQLITE_BUSY on SQLite, whose busy timeout is its lock wait).
	LockWaitTimeout
	// ConnLost: the connection is lost before the statement is sent:
	// driver.ErrBadConn, which tells database/sql that nothing was done.
	// The connection stays broken and the pool discards it.
	ConnLost
	// ReplyLost: the statement is run (a COMMIT commits), then the
	// connection is lost before its reply arrives: the caller gets a
	// connection error (mysql.ErrInvalidConn; ECONNRESET on SQLite, which
	// has no connection to lose) and cannot tell whether it took effect.
	ReplyLost
)

func (f Fault) String() string {
	switch f {
	case Deadlock:
		return "deadlock"
	case LockWaitTimeout:
		return "lock wait timeout"
	case ConnLost:
		return "connection lost"
	case ReplyLost:
		return "reply lost"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Rule says which statements fail and how. Statements are matched by
// substring, ignoring case and the quotes around identifiers (` and ");
// a transaction's BEGIN, COMMIT and ROLLBACK are matched as those words.
type Rule struct {
	// Match is the text a statement must contain, e.g.
	// "INSERT INTO interaction_log_entries" or "COMMIT".
	Match string
	// InTxWith, when set, restricts the rule to statements of a transaction
	// that has already run a statement containing it: "the COMMIT of the
	// transaction that inserted an entry", not the change sequencer's.
	InTxWith string
	// Nth is the matching statement the rule first fires on (1 when zero).
	Nth int
	// Times is how many matching statements, from the Nth on, fail (1 when
	// zero; negative: every one until the rule is disarmed).
	Times int
	// Fault is what the statement does.
	Fault Fault
	// OnFire, when set, runs each time the rule fires, on the goroutine of
	// the statement, before the statement returns its error: after the
	// rollback of a deadlocked COMMIT, after the commit of one whose reply
	// is lost. A test interleaves another client's statement there (on a
	// connection of its own: the faulted one is still taken).
	OnFire func()
}

// Armed is a rule in force.
type Armed struct {
	rule     Rule
	match    string
	inTxWith string
	seen     int // matching statements so far
	fired    int // faults injected
	disarmed bool
	in       *Injector
}

// Fired reports how many statements the rule made fail so far.
func (a *Armed) Fired() int {
	a.in.mu.Lock()
	defer a.in.mu.Unlock()
	return a.fired
}

// Disarm stops the rule.
func (a *Armed) Disarm() {
	a.in.mu.Lock()
	defer a.in.mu.Unlock()
	a.disarmed = true
}

// fire counts a matching statement and reports whether it fails.
func (a *Armed) fire() bool {
	if a.disarmed {
		return false
	}
	a.seen++
	if a.seen < max(a.rule.Nth, 1) {
		return false
	}
	a.fired++
	times := a.rule.Times
	if times == 0 {
		times = 1
	}
	if times > 0 && a.fired >= times {
		a.disarmed = true
	}
	return true
}

// Injector holds the rules of the connectors it wrapped.
type Injector struct {
	mu    sync.Mutex
	rules []*Armed
	// random faults: each statement in a transaction fails with a
	// retryable fault with this probability.
	rate        float64
	rng         *rand.Rand
	randomFired int
}

// New returns an Injector with no rules: its connections behave as the
// driver's own until a rule is armed.
func New() *Injector { return &Injector{} }

// Arm puts a rule in force and returns it, to count its faults.
func (in *Injector) Arm(r Rule) *Armed {
	a := &Armed{rule: r, match: normalize(r.Match), inTxWith: normalize(r.InTxWith), in: in}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = append(in.rules, a)
	return a
}

// DisarmAll stops every rule and random faults.
func (in *Injector) DisarmAll() {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, a := range in.rules {
		a.disarmed = true
	}
	in.rules = nil
	in.rate = 0
}

// InjectRandomly makes a fraction rate of the transactions begun from now
// on fail once with a deadlock, at one of their statements or at their
// COMMIT, drawn from a generator seeded with seed: faults a store must
// absorb by retrying the transaction.
func (in *Injector) InjectRandomly(rate float64, seed uint64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rate = rate
	in.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// RandomFired reports how many random faults were injected.
func (in *Injector) RandomFired() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.randomFired
}

// doom draws whether a transaction being begun is to fail at random.
func (in *Injector) doom() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.rate > 0 && in.rng.Float64() < in.rate
}

// faultFor is the fault a statement gets, or 0, and the OnFire of its
// rule. tx lists the statements its transaction ran before it; doomed says
// that the transaction is to fail at random and has not yet.
func (in *Injector) faultFor(stmt string, tx []string, doomed bool) (Fault, func()) {
	stmt = normalize(stmt)
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, a := range in.rules {
		if strings.Contains(stmt, a.match) && (a.inTxWith == "" || containsAny(tx, a.inTxWith)) && a.fire() {
			return a.rule.Fault, a.rule.OnFire
		}
	}
	// A doomed transaction fails at each statement with even odds, at its
	// COMMIT at the latest; never at a ROLLBACK, which would leave it open.
	if doomed && stmt != "rollback" && (stmt == "commit" || in.rng.IntN(2) == 0) {
		in.randomFired++
		return Deadlock, nil
	}
	return 0, nil
}

// containsAny reports whether a statement of list contains s.
func containsAny(list []string, s string) bool {
	for _, stmt := range list {
		if strings.Contains(stmt, s) {
			return true
		}
	}
	return false
}

// normalize is a statement or pattern as rules compare them.
func normalize(s string) string {
	return strings.ToLower(strings.NewReplacer("`", "", `"`, "").Replace(s))
}

// engine is the database behind a wrapped connector; it decides how a fault
// is reported.
type engine int

const (
	engineMySQL engine = iota
	engineSQLite
)

// errorOf is the error a statement that gets the fault returns.
func (e engine) errorOf(f Fault) error {
	switch f {
	case Deadlock, LockWaitTimeout:
		if e == engineSQLite {
			return sqliteBusy()
		}
		if f == Deadlock {
			return &mysql.MySQLError{Number: 1213, SQLState: [5]byte{'4', '0', '0', '0', '1'},
				Message: "Deadlock found when trying to get lock; try restarting transaction (injected by faultdb)"}
		}
		return &mysql.MySQLError{Number: 1205, SQLState: [5]byte{'H', 'Y', '0', '0', '0'},
			Message: "Lock wait timeout exceeded; try restarting transaction (injected by faultdb)"}
	case ConnLost:
		return driver.ErrBadConn
	case ReplyLost:
		if e == engineSQLite {
			return fmt.Errorf("faultdb: reply lost: %w", syscall.ECONNRESET)
		}
		return mysql.ErrInvalidConn
	}
	return fmt.Errorf("faultdb: unknown fault %v", f)
}
