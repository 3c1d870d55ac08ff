package store

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Sum is an exact sum of int64 values, which may exceed int64: High·2^30 + Low.
// A cost is at most 10^18 micros, so ten costs overflow int64.
//
// Every Sum is normalized, 0 <= Low < 2^30, so that equal sums compare equal
// with ==. It scans from what exactSumColumn selects.
type Sum struct {
	High, Low int64
}

// sumSplitBits is where Sum and exactSumColumn split values.
const sumSplitBits = 30

// SumOf is the Sum of one value.
func SumOf(v int64) Sum { return Sum{Low: v}.normalized() }

// Add returns s + o.
func (s Sum) Add(o Sum) Sum { return Sum{High: s.High + o.High, Low: s.Low + o.Low}.normalized() }

// Big returns the sum as a big.Int.
func (s Sum) Big() *big.Int {
	b := new(big.Int).Lsh(big.NewInt(s.High), sumSplitBits)
	return b.Add(b, big.NewInt(s.Low))
}

// normalized carries Low's excess (or deficit: parts of negative values are
// negative) into High.
func (s Sum) normalized() Sum {
	carry := s.Low >> sumSplitBits // an arithmetic shift: floor division, for a negative Low too
	return Sum{High: s.High + carry, Low: s.Low - carry<<sumSplitBits}
}

// exactSumColumn selects the exact sum of an integer column over the
// selected rows (0 over none) as one column that scans into a Sum.
//
// MySQL sums integers exactly, as a DECIMAL, so there the column is the
// plain SUM (splitting it as on SQLite made a month's summary 15-25% slower:
// MySQL's SUM of DECIMALs is what costs). SQLite's SUM fails on an int64
// overflow ("integer overflow"), so there the column holds two sums,
// "quotients remainders", of the values' quotients and remainders by 2^30: a
// part of a value under 2^60 lies within ±2^30, so each sum holds in int64
// for 2^33 entries and more. Division and remainder truncate toward zero, so
// value = quotient·2^30 + remainder for negative values as well.
func (s *Store) exactSumColumn(column string) string {
	if s.dialect == MySQL {
		return fmt.Sprintf("COALESCE(SUM(%[1]s), 0) AS %[1]s", column)
	}
	return fmt.Sprintf("COALESCE(SUM(%[1]s / %[2]d), 0) || ' ' || COALESCE(SUM(%[1]s %% %[2]d), 0) AS %[1]s", column, 1<<sumSplitBits)
}

// Scan reads a column of exactSumColumn: a decimal integer (MySQL) or the
// sums of quotients and remainders (SQLite).
func (s *Sum) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case int64:
		*s = SumOf(v)
		return nil
	case []byte:
		text = string(v)
	case string:
		text = v
	default:
		return fmt.Errorf("store: cannot scan %T into a Sum", src)
	}
	if high, low, split := strings.Cut(text, " "); split {
		h, errHigh := strconv.ParseInt(high, 10, 64)
		l, errLow := strconv.ParseInt(low, 10, 64)
		if err := errors.Join(errHigh, errLow); err != nil {
			return fmt.Errorf("store: sum parts %q: %w", text, err)
		}
		*s = Sum{High: h, Low: l}.normalized()
		return nil
	}
	n, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return fmt.Errorf("store: sum %q is not an integer", text)
	}
	high := new(big.Int).Rsh(n, sumSplitBits) // floor division
	if !high.IsInt64() {
		return fmt.Errorf("store: sum %s is beyond ±2^93", text)
	}
	*s = Sum{High: high.Int64(), Low: n.Sub(n, high.Lsh(high, sumSplitBits)).Int64()}
	return nil
}

// GormDataType lets GORM take a Sum for one column, which it scans through
// Scan, rather than for a relation.
func (Sum) GormDataType() string { return "decimal" }
