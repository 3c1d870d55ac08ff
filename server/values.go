package server

import (
	"math/big"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/interlog/interlog/store"
)

// parseMoney converts an amount that the money rule of validation.proto has
// accepted ("12.5") to micros; an empty string is 0. The rule sets what an
// amount may be; a string that cannot be read as micros at all (from a field
// that lacks the rule) is refused with the rule's message.
func parseMoney(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 6 || !allDigits(whole+frac) {
		return 0, invalidField(field, moneyMessage)
	}
	micros, err := strconv.ParseInt(whole+frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	if err != nil {
		return 0, invalidField(field, moneyMessage)
	}
	return micros, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// formatMoney writes micros as the shortest exact decimal string ("12.5", "0").
func formatMoney(micros int64) string { return microsToDecimal(strconv.FormatInt(micros, 10)) }

// formatBigMoney is formatMoney for sums beyond int64 micros.
func formatBigMoney(micros *big.Int) string { return microsToDecimal(micros.String()) }

// microsToDecimal places the decimal point in an integer number of micros
// written in decimal ("-12500000" → "-12.5"), trimming trailing zeros.
func microsToDecimal(micros string) string {
	sign, digits := "", micros
	if rest, negative := strings.CutPrefix(micros, "-"); negative {
		sign, digits = "-", rest
	}
	if len(digits) < 7 {
		digits = strings.Repeat("0", 7-len(digits)) + digits
	}
	whole, frac := digits[:len(digits)-6], strings.TrimRight(digits[len(digits)-6:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}

// parseDuration converts a duration that the whole_seconds rule of
// validation.proto has accepted to seconds; nil is 0. The rule sets what a
// duration may be; one with a fraction of a second, which seconds cannot
// hold (from a field that lacks the rule), is refused with its message.
func parseDuration(field string, d *durationpb.Duration) (int64, error) {
	if d.GetNanos() != 0 {
		return 0, invalidField(field, wholeSecondsMessage)
	}
	return d.GetSeconds(), nil
}

// seconds converts stored seconds to a Duration. Not through time.Duration,
// which overflows past 292 years: a total of long entries can exceed that.
func seconds(s int64) *durationpb.Duration { return &durationpb.Duration{Seconds: s} }

// timestamp converts stored microseconds to a Timestamp; 0 stays unset.
func timestamp(us int64) *timestamppb.Timestamp {
	if us == 0 {
		return nil
	}
	return timestamppb.New(store.Time(us))
}

// parseTimestamp reads an optional instant as stored microseconds; nil gives ok=false.
func parseTimestamp(field string, ts *timestamppb.Timestamp) (us int64, ok bool, err error) {
	if ts == nil {
		return 0, false, nil
	}
	if err := ts.CheckValid(); err != nil {
		return 0, false, invalidField(field, "must be a valid timestamp between years 0001 and 9999")
	}
	return store.Micros(ts.AsTime()), true, nil
}

// optionalID converts an optional resource id to a pointer.
func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// allToAPI converts each of rows with toAPI.
func allToAPI[R, A any](rows []R, toAPI func(R) *A) []*A {
	out := make([]*A, len(rows))
	for i, r := range rows {
		out[i] = toAPI(r)
	}
	return out
}

// parseTimeRange reads the optional start_time and end_time of a request: an
// end must come after the start.
func parseTimeRange(start, end *timestamppb.Timestamp) (store.TimeRange, error) {
	return parseTimeRangeAt("", start, end)
}

// parseTimeRangeAt is parseTimeRange for fields under a prefix ("filter.").
func parseTimeRangeAt(prefix string, start, end *timestamppb.Timestamp) (store.TimeRange, error) {
	var r store.TimeRange
	var err error
	if r.Start, r.HasStart, err = parseTimestamp(prefix+"start_time", start); err != nil {
		return r, err
	}
	if r.End, r.HasEnd, err = parseTimestamp(prefix+"end_time", end); err != nil {
		return r, err
	}
	if r.HasStart && r.HasEnd && r.End <= r.Start {
		return r, invalidField(prefix+"end_time", "must be after start_time")
	}
	return r, nil
}

// timestampOf converts an optional stored time; nil stays unset.
func timestampOf(us *int64) *timestamppb.Timestamp {
	if us == nil {
		return nil
	}
	return timestamppb.New(store.Time(*us))
}
