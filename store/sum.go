package store

import (
	"fmt"
	"math/big"
)

// Sum is an exact sum of int64 values, which may exceed int64: High·2^30 + Low.
//
// A cost is at most 10^18 micros, so ten of them overflow int64: SQLite's SUM
// then fails ("integer overflow") and MySQL's returns a DECIMAL that int64
// cannot hold. The database therefore adds the values' high and low parts
// separately (see exactSumColumns): every part of a value under 2^60 lies
// within ±2^30, so each sum holds in int64 for 2^33 entries and more.
//
// Every Sum this package returns is normalized, 0 <= Low < 2^30, so that
// equal sums compare equal with ==.
type Sum struct {
	High, Low int64
}

// sumSplitBits is where Sum and exactSumColumns split a value.
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

// exactSumColumns selects the Sum of an integer column over the selected rows
// (0 over none) as <column>_high and <column>_low: the sums of the values'
// quotients and remainders by 2^30. Both engines truncate both toward zero,
// so value = quotient·2^30 + remainder for negative values as well.
func (s *Store) exactSumColumns(column string) string {
	return fmt.Sprintf("COALESCE(SUM(%[1]s %[2]s %[3]d), 0) AS %[1]s_high, COALESCE(SUM(%[1]s %% %[3]d), 0) AS %[1]s_low",
		column, s.intDiv(), 1<<sumSplitBits)
}

// intDiv is the engine's integer division operator: "/" on SQLite divides
// integers as integers, MySQL's "/" gives a DECIMAL.
func (s *Store) intDiv() string {
	if s.dialect == MySQL {
		return "DIV"
	}
	return "/"
}
