package server

import (
	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/interlog/interlog/store"
)

// latencyBuckets are the upper bounds (seconds) of the per-RPC latency
// histogram: from a cached read to a bulk delete.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// newMetrics registers the per-RPC metrics (grpc_server_started_total,
// grpc_server_handled_total by code, grpc_server_handling_seconds, ...) and
// the database pool's gauges with reg.
func newMetrics(reg prometheus.Registerer, st *store.Store) (*grpcprom.ServerMetrics, error) {
	m := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(grpcprom.WithHistogramBuckets(latencyBuckets)))
	if err := reg.Register(m); err != nil {
		return nil, err
	}
	if err := reg.Register(newPoolCollector(st)); err != nil {
		return nil, err
	}
	return m, nil
}

// poolCollector reads the database pool's counters at each scrape.
type poolCollector struct {
	store                              *store.Store
	open, inUse, idle, waits, waitTime *prometheus.Desc
}

func newPoolCollector(st *store.Store) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("interlog_db_"+name, help, nil, nil)
	}
	return &poolCollector{
		store:    st,
		open:     d("connections_open", "Open database connections, in use or idle."),
		inUse:    d("connections_in_use", "Database connections running a query or transaction."),
		idle:     d("connections_idle", "Idle database connections."),
		waits:    d("connection_waits_total", "Times a call waited for a free database connection."),
		waitTime: d("connection_wait_seconds_total", "Time spent waiting for a free database connection."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.inUse, c.idle, c.waits, c.waitTime} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	open, inUse, idle, waits, waitTime := c.store.PoolStats()
	ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(open))
	ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(inUse))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(idle))
	ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(waits))
	ch <- prometheus.MustNewConstMetric(c.waitTime, prometheus.CounterValue, waitTime.Seconds())
}
