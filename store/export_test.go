package store

// TestDatabases is the pool of migrated databases of this test binary, for the conformance
// suite's run in package store_test (conformance_test.go), which shares it with the tests
// here.
var TestDatabases = databases
