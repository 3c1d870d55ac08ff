package store

import (
	"context"
	"testing"
	"time"

	"github.com/interlog/interlog/internal/testdb"
)

// BenchmarkChangeFeed100k measures, per engine, the feed's share of a
// LogSegment of 100 000 lines: appending 100 000 entry changes in one
// transaction, sequencing them, and reading them back in a watcher's pages.
//
//	INTERLOG_TEST_ENGINES=sqlite,mysql go test ./store -run '^$' -bench ChangeFeed100k -benchtime 1x
func BenchmarkChangeFeed100k(b *testing.B) {
	const n = 100_000
	for _, engine := range testdb.Engines() {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			s := openMigrated(b, testdb.URL(b, engine))
			changes := make([]Change, n)
			for i := range changes {
				changes[i] = entryChange(int64(i+1), "P1", "C1")
			}
			var appendTime, sequenceTime, readTime time.Duration
			after := int64(0)
			for range b.N {
				start := time.Now()
				if err := s.AppendChanges(ctx, "alice", "", changes...); err != nil {
					b.Fatal(err)
				}
				appendTime += time.Since(start)
				start = time.Now()
				if err := s.sequenceAll(ctx, s.db, 1000); err != nil {
					b.Fatal(err)
				}
				sequenceTime += time.Since(start)
				start = time.Now()
				high, err := s.ChangeHighWater(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for after < high {
					page, err := s.ListChanges(ctx, after, high, ChangeFilter{}, 500)
					if err != nil {
						b.Fatal(err)
					}
					after = page[len(page)-1].Sequence
				}
				readTime += time.Since(start)
			}
			perSecond := func(d time.Duration) float64 { return float64(n*b.N) / d.Seconds() }
			b.ReportMetric(perSecond(appendTime), "appended/s")
			b.ReportMetric(perSecond(sequenceTime), "sequenced/s")
			b.ReportMetric(perSecond(readTime), "read/s")
		})
	}
}
