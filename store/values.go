package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"gorm.io/gorm"
)

// Enum numbers the store's rules depend on. They equal the API's enum
// numbers; a server test checks that.
const (
	CorrespondenceTypeNone  int16 = 0
	CorrespondenceTypeEmail int16 = 2
	ContactTypeCompany      int16 = 1
	ContactTypePerson       int16 = 2
	InitiatedByUs           int16 = 1
)

// Micros converts a time to the stored form: Unix microseconds, UTC.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// Time converts a stored time back; it is always UTC.
func Time(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nowMicros is the current time in stored form.
func nowMicros() int64 { return Micros(time.Now()) }

// newEtag returns a fresh random etag; every write of a resource changes it.
func newEtag() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Page asks for one page of a keyset-paginated list: rows after the given
// key, at most Limit of them.
type Page struct {
	Limit       int
	AfterCode   string // for lists ordered by a code
	AfterNumber int64  // for lists ordered by a number
	AfterTime   int64  // for lists ordered by time then number: Unix microseconds
	HasAfter    bool   // false on the first page
}

// pageByCode reads one page of q ordered by a unique code column, after
// page.AfterCode. It returns the rows and whether more follow.
func pageByCode[T any](q *gorm.DB, column string, page Page) ([]T, bool, error) {
	return pageAfter[T](q, column, page.AfterCode, page)
}

// pageByNumber is pageByCode for a unique number column and page.AfterNumber.
func pageByNumber[T any](q *gorm.DB, column string, page Page) ([]T, bool, error) {
	return pageAfter[T](q, column, page.AfterNumber, page)
}

func pageAfter[T any](q *gorm.DB, column string, after any, page Page) ([]T, bool, error) {
	var rows []T
	q = q.Order(column).Limit(page.Limit + 1)
	if page.HasAfter {
		q = q.Where(column+" > ?", after)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, false, classify(err)
	}
	rows, more := trimPage(rows, page.Limit)
	return rows, more, nil
}

// trimPage cuts rows fetched with Limit+1 to Limit and says whether more exist.
func trimPage[T any](rows []T, limit int) ([]T, bool) {
	if len(rows) > limit {
		return rows[:limit], true
	}
	return rows, false
}

// checkEtag returns ErrEtagMismatch when want is set and differs from have.
func checkEtag(want, have, name string) error {
	if want != "" && want != have {
		return newError(ErrEtagMismatch, ReasonEtagMismatch, "%s was changed by someone else: the etag sent is stale, read it again", name)
	}
	return nil
}
