// Command bench measures interlog against MySQL (see docs/benchmarks.md).
//
//	go run ./bench                          # every benchmark
//	go run ./bench -run log,summary         # some of them
//	go run ./bench -list                    # what there is
//
// It serves the real gRPC server in-process on a loopback socket over a
// MySQL database (created if missing, kept between runs so that the bulk
// load of the large benchmarks happens once), and compares each measured
// call with the equivalent hand-written database/sql work in the same run.
// Another benchmark is added by registering it in benchmarks.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// benchmark is one named measurement; it prints its own result table.
type benchmark struct {
	about string
	run   func(ctx context.Context, env *env) error
}

// benchmarks lists every benchmark by the name -run selects it with, in the
// order they run.
var benchmarks = map[string]benchmark{
	"log":           {"LogInteraction calls/s at concurrency 1, 16, 64 vs raw single-row insert transactions", benchLog},
	"hot":           {"LogInteraction calls/s for one contact and template vs random ones, at the highest concurrency (TiDB makes shared locks exclusive)", benchHotContact},
	"list":          {"ListInteractionLogEntries first page vs a page after 100 000 rows, on the large table", benchList},
	"summary":       {"SummarizeInteractions of one month by template vs the hand-written GROUP BY, on the large table", benchSummary},
	"attachments":   {"upload and download MB/s of a 32 MiB file vs the same chunks through database/sql, and interlogd's peak memory", benchAttachments},
	"tracing":       {"LogInteraction calls/s at concurrency 64 with OpenTelemetry tracing off, on with every call sampled, and on with 1% sampled", benchTracing},
	"segment":       {"LogSegment entries/s for 10 000 and 100 000 lines vs raw multi-row INSERTs of the same rows, and interlogd's peak memory", benchSegment},
	"feed":          {"LogInteraction calls/s at concurrency 64 and LogSegment entries/s for 100 000 lines with the change feed on vs off", benchFeedCost},
	"feed-latency":  {"time from a logged interaction's acknowledgement to a watcher's receipt of its change, at 1 000 interactions/s", benchFeedLatency},
	"feed-catchup":  {"changes/s a watcher receives catching up on a backlog of -feed-backlog changes", benchFeedCatchUp},
	"feed-watchers": {"memory and goroutines of 1 000 idle watchers", benchFeedWatchers},
	"batch":         {"BatchLogInteractions entries/s with 1000 items vs a raw multi-row INSERT of the same rows, and vs LogInteraction at concurrency 64", benchBatch},
}

// order is the running order of the benchmarks.
var order = []string{"log", "hot", "tracing", "list", "summary", "attachments", "segment", "batch", "feed", "feed-latency", "feed-catchup", "feed-watchers"}

func main() {
	var cfg config
	flag.StringVar(&cfg.mysqlURL, "mysql", "mysql://root@127.0.0.1:3306/interlog_bench", "MySQL database to use (created if missing; mysql://user:pass@host:port/db)")
	run := flag.String("run", strings.Join(order, ","), "comma-separated benchmarks to run")
	list := flag.Bool("list", false, "list the benchmarks and exit")
	flag.StringVar(&cfg.feedDB, "feed-db", "", "database of the change feed benchmarks (feed*): mysql://... or sqlite:///path; default: the -mysql database's name with _feed")
	flag.IntVar(&cfg.feedBacklog, "feed-backlog", 1_000_000, "changes in the backlog of feed-catchup")
	flag.IntVar(&cfg.rows, "rows", 1_000_000, "entries in the large table (list, summary)")
	flag.BoolVar(&cfg.reload, "reload", false, "drop and reload the large table even when it is already loaded")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long each rate measurement runs")
	concurrency := flag.String("concurrency", "1,16,64", "concurrency levels of the rate benchmarks (log)")
	flag.IntVar(&cfg.repeat, "repeat", 30, "how often each latency measurement is repeated (the median is reported)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	flag.Parse()
	for _, c := range strings.Split(*concurrency, ",") {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -concurrency %q: want positive numbers separated by commas\n", *concurrency)
			os.Exit(2)
		}
		cfg.concurrency = append(cfg.concurrency, n)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer stop()
	}
	if *list {
		for _, name := range order {
			fmt.Printf("%-13s %s\n", name, benchmarks[name].about)
		}
		return
	}
	if err := runBenchmarks(cfg, strings.Split(*run, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// config holds the flags.
type config struct {
	mysqlURL    string
	rows        int
	reload      bool
	duration    time.Duration
	repeat      int
	concurrency []int
	feedDB      string
	feedBacklog int
}

func runBenchmarks(cfg config, names []string) error {
	for _, name := range names {
		if _, ok := benchmarks[name]; !ok {
			known := slices.Collect(mapKeys(benchmarks))
			sort.Strings(known)
			return fmt.Errorf("no benchmark %q; there are: %s", name, strings.Join(known, ", "))
		}
	}
	ctx := context.Background()
	e, err := startEnv(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.close()
	fmt.Printf("interlog benchmarks, %s, MySQL %s, %d CPUs\n", time.Now().UTC().Format(time.DateOnly), e.serverVersion, cpus())
	for _, name := range order {
		if !slices.Contains(names, name) {
			continue
		}
		fmt.Printf("\n## %s: %s\n\n", name, benchmarks[name].about)
		if err := benchmarks[name].run(ctx, e); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
