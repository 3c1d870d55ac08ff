package testserver

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	_ "github.com/glebarez/go-sqlite"  // registers the "sqlite" driver
	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver

	"github.com/interlog/interlog/internal/dburl"
)

// OpenRaw opens a store URL (sqlite://... or mysql://...) with database/sql,
// bypassing the store: for seeding large fixtures fast, for checking what is
// really in the tables, and for measuring raw insert rates in benchmarks.
func OpenRaw(storeURL string) (*sql.DB, error) {
	scheme, rest, _ := strings.Cut(storeURL, "://")
	switch scheme {
	case "sqlite":
		return sql.Open("sqlite", "file:"+rest+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	case "mysql":
		cfg, err := dburl.ParseMySQL(storeURL)
		if err != nil {
			return nil, err
		}
		cfg.InterpolateParams = true
		cfg.ReadTimeout, cfg.WriteTimeout = 5*time.Minute, 5*time.Minute
		return sql.Open("mysql", cfg.FormatDSN())
	}
	return nil, fmt.Errorf("unknown database URL %q", storeURL)
}

// SeedContact is the part of a contact that tests set.
type SeedContact struct {
	No, CompanyNo, LanguageCode, SalespersonCode, Email string
	Type, CorrespondenceType                            int16
	PrivacyBlocked                                      bool
}

// InsertContacts writes contacts straight into the contacts table with
// multi-row INSERTs of up to 1000 rows. A person is the default type.
func InsertContacts(db *sql.DB, contacts []SeedContact) error {
	const cols = "(no, type, display_name, company_no, language_code, correspondence_type, salesperson_code, email, privacy_blocked, etag, create_time, update_time)"
	for start := 0; start < len(contacts); start += 1000 {
		batch := contacts[start:min(start+1000, len(contacts))]
		var sb strings.Builder
		args := make([]any, 0, 12*len(batch))
		sb.WriteString("INSERT INTO contacts " + cols + " VALUES ")
		now := time.Now().UnixMicro()
		for i, c := range batch {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?)")
			typ := c.Type
			if typ == 0 {
				typ = 2
			}
			args = append(args, c.No, typ, "Contact "+c.No, c.CompanyNo, c.LanguageCode, c.CorrespondenceType,
				c.SalespersonCode, c.Email, c.PrivacyBlocked, "seed", now, now)
		}
		if _, err := db.Exec(sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
