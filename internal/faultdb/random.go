package faultdb

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// The environment that makes RandomlyFromEnv inject faults.
const (
	rateEnv = "INTERLOG_TEST_FAULT_RATE" // fraction of transactions, e.g. 0.05
	seedEnv = "INTERLOG_TEST_FAULT_SEED" // to repeat a run; random when unset
)

// Randomly returns an Injector that makes a fraction rate of transactions
// fail once with a deadlock (InjectRandomly), for a store that must pass
// its tests all the same, since it retries them:
//
//	store.Open(ctx, url, store.Options{WrapConnector: faultdb.Randomly(t, 0.05, 0).Wrap})
//
// seed 0 draws one. The test logs the seed and how many faults it got.
func Randomly(t testing.TB, rate float64, seed uint64) *Injector {
	if seed == 0 {
		seed = rand.Uint64()
	}
	in := New()
	in.InjectRandomly(rate, seed)
	t.Cleanup(func() {
		t.Logf("faultdb: %d random deadlocks injected (rate %g, %s=%d)", in.RandomFired(), rate, seedEnv, seed)
	})
	return in
}

// RandomlyFromEnv is Randomly with the rate of INTERLOG_TEST_FAULT_RATE
// and the seed of INTERLOG_TEST_FAULT_SEED, or nil when no rate is set.
func RandomlyFromEnv(t testing.TB) *Injector {
	v := os.Getenv(rateEnv)
	if v == "" {
		return nil
	}
	rate, err := strconv.ParseFloat(v, 64)
	if err != nil || rate < 0 || rate > 1 {
		t.Fatalf("%s=%q: want a fraction between 0 and 1", rateEnv, v)
	}
	var seed uint64
	if s := os.Getenv(seedEnv); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: want an unsigned integer", seedEnv, s)
		}
	}
	return Randomly(t, rate, seed)
}
