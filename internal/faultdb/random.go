package faultdb

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// The environment of RandomFromEnv.
const (
	rateEnv = "INTERLOG_TEST_FAULT_RATE" // fraction of transactions, e.g. 0.05
	seedEnv = "INTERLOG_TEST_FAULT_SEED" // to repeat a run; drawn when unset
)

// InjectRandomlyFor is InjectRandomly for a test, which logs the seed (drawn
// when 0) and how many faults it got. Call it once the store is set up:
// migrations are not retried.
//
//	in := faultdb.New()
//	s, _ := store.Open(ctx, url, store.Options{WrapConnector: in.Wrap})
//	_ = s.Migrate(ctx)
//	in.InjectRandomlyFor(t, 0.05, 0)
func (in *Injector) InjectRandomlyFor(t testing.TB, rate float64, seed uint64) {
	if seed == 0 {
		seed = rand.Uint64()
	}
	in.InjectRandomly(rate, seed)
	t.Cleanup(func() {
		t.Logf("faultdb: %d random deadlocks injected (rate %g, %s=%d)", in.RandomFired(), rate, seedEnv, seed)
	})
}

// RandomFromEnv reads the rate of random faults of INTERLOG_TEST_FAULT_RATE
// and their seed of INTERLOG_TEST_FAULT_SEED (0 when unset); ok is false
// when no rate is set.
func RandomFromEnv(t testing.TB) (rate float64, seed uint64, ok bool) {
	v := os.Getenv(rateEnv)
	if v == "" {
		return 0, 0, false
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || rate < 0 || rate > 1 {
		t.Fatalf("%s=%q: want a fraction between 0 and 1", rateEnv, v)
	}
	if s := os.Getenv(seedEnv); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: want an unsigned integer", seedEnv, s)
		}
	}
	return rate, seed, true
}
