package store

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

// extremes are values whose parts (quotient and remainder by 2^30) take
// every sign and their largest magnitudes.
var extremes = []int64{
	math.MaxInt64, math.MaxInt64, math.MinInt64 + 1, 1_000_000_000_000_000_000, 1_000_000_000_000_000_000,
	1<<30 - 1, 1 << 30, -(1 << 30), -(1<<30 - 1), -1, 1, 0, -123_456_789_012_345,
}

func bigSum(values []int64) *big.Int {
	sum := new(big.Int)
	for _, v := range values {
		sum.Add(sum, big.NewInt(v))
	}
	return sum
}

func TestSumIsExactAndNormalized(t *testing.T) {
	var s Sum
	for i, v := range extremes {
		s = s.Add(SumOf(v))
		if s.Low < 0 || s.Low >= 1<<sumSplitBits {
			t.Fatalf("after %d values: %+v is not normalized", i+1, s)
		}
		if want := bigSum(extremes[:i+1]); s.Big().Cmp(want) != 0 {
			t.Fatalf("after %d values: %v, want %v", i+1, s.Big(), want)
		}
	}
	if SumOf(5).Add(SumOf(-7)) != SumOf(-2) || SumOf(1<<40).Add(SumOf(1<<40)) != SumOf(1<<41) {
		t.Fatal("equal sums do not compare equal")
	}
}

func TestSumScansBothEnginesColumns(t *testing.T) {
	beyond, _ := new(big.Int).SetString("-29999999999999999999999", 10)
	for _, c := range []struct {
		src  any
		want *big.Int
	}{
		{int64(-5), big.NewInt(-5)},
		{[]byte("0"), big.NewInt(0)},
		{[]byte("-29999999999999999999999"), beyond}, // MySQL's DECIMAL
		{"-3 5", big.NewInt(-3<<30 + 5)},             // SQLite's parts
		{"1 2147483648", big.NewInt(3 << 30)},        // a Low beyond 2^30 carries
	} {
		var s Sum
		if err := s.Scan(c.src); err != nil || s.Big().Cmp(c.want) != 0 || s != SumOf(0).Add(s) {
			t.Errorf("scan %v: %+v (%v), %v; want %v", c.src, s, s.Big(), err, c.want)
		}
	}
	for _, bad := range []any{"x", "1 x", []byte("1e3"), []byte("1" + strings.Repeat("0", 40)), 1.5} {
		var s Sum
		if err := s.Scan(bad); err == nil {
			t.Errorf("scan %v: %+v, want an error", bad, s)
		}
	}
}
