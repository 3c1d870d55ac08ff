package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

// The attachment benchmark moves a file of the default size limit (32 MiB)
// through a real interlogd process, so that the server's memory is its own:
// the peak resident set (VmHWM, reset through /proc/PID/clear_refs) above the
// idle server's, per concurrent transfer. Beside each transfer it times the
// raw database work of the same chunks through database/sql, shaped as the
// service shapes it (rawWriteChunks, rawReadChunks), so that the ratio is
// what the service adds: gRPC, hashing, bookkeeping.

const (
	attachmentSize = server.DefaultMaxAttachmentBytes
	// Rounds of each direction; a download round takes a tenth of an
	// upload round's time, and more of them steady the median on a shared
	// machine.
	uploadRounds   = 9
	downloadRounds = 21
)

// attachmentConcurrency lists the numbers of simultaneous transfers whose
// memory is measured.
var attachmentConcurrency = []int{1, 4, 8}

func benchAttachments(ctx context.Context, e *env) error {
	srv, err := startInterlogd(ctx, e.cfg.mysqlURL)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := benchAttachmentRates(ctx, e, srv); err != nil {
		return err
	}
	fmt.Printf("\nPeak resident memory of a fresh interlogd uploading, then downloading, n files at once;\n" +
		"growth per transfer is (peak - idle) / n, added per transfer is (peak - peak with one) / (n - 1).\n\n")
	fmt.Printf("| n | idle RSS | peak RSS | growth per transfer | added per transfer | |\n|---|---|---|---|---|---|\n")
	var first int64
	for _, n := range attachmentConcurrency {
		idle, peak, err := attachmentMemory(ctx, e, n)
		if err != nil {
			return err
		}
		added := "–"
		if n == 1 {
			first = peak
		} else {
			added = fmt.Sprintf("%.1f MiB", mib(peak-first)/float64(n-1))
		}
		per := mib(peak-idle) / float64(n)
		fmt.Printf("| %d | %.1f MiB | %.1f MiB | %.1f MiB | %s | %s |\n", n, mib(idle), mib(peak), per, added, verdict(per, 16, false))
	}
	return nil
}

// benchAttachmentRates times uploads beside raw writes of the same chunks,
// then downloads of the last upload beside raw reads of its chunks, and
// reports median MB/s and the median of the rounds' ratios. The service and
// the raw work run back to back in each round, so that both see the same
// load, taking turns at going first.
func benchAttachmentRates(ctx context.Context, e *env, srv *interlogd) error {
	file := randomFile(attachmentSize)
	up, name, err := timeUploads(ctx, e, srv, file)
	if err != nil {
		return err
	}
	down, grpcOnly, err := timeDownloads(ctx, e, srv, name, file)
	if err != nil {
		return err
	}
	if _, err := srv.attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name}); err != nil {
		return err
	}
	fmt.Printf("%d MiB file, %d upload and %d download rounds after a warm-up round each, the raw work first in odd rounds; "+
		"MB/s are medians, the ratio is the median of the rounds' ratios.\n\n", attachmentSize>>20, uploadRounds, downloadRounds)
	fmt.Printf("| direction | service MB/s | raw database/sql MB/s | ratio | |\n|---|---|---|---|---|\n")
	for _, row := range []struct {
		name  string
		times transferTimes
	}{{"upload", up}, {"download", down}} {
		ratio := median(row.times.ratios())
		fmt.Printf("| %s | %.1f | %.1f | %.2f | %s |\n", row.name, mbps(attachmentSize, median(row.times.service)),
			mbps(attachmentSize, median(row.times.raw)), ratio, verdict(ratio, 0.5, true))
	}
	fmt.Printf("\nEach round's ratio, upload: %.2f; download: %.2f.\n", up.ratios(), down.ratios())
	fmt.Printf("The same download messages streamed by a gRPC server from memory (no database): %.1f MB/s.\n",
		mbps(attachmentSize, median(grpcOnly)))
	return nil
}

// timeUploads uploads new content each round (no sharing with the last
// upload) beside writing its chunks raw, and returns the times and the name
// of the last attachment, which it keeps.
func timeUploads(ctx context.Context, e *env, srv *interlogd, file []byte) (transferTimes, string, error) {
	var times transferTimes
	var name string
	for round := -1; round < uploadRounds; round++ {
		file[0] = byte(round)
		var a *apiv1.Attachment
		err := times.measure(round, func() (err error) {
			a, err = attachclient.Upload(ctx, srv.attachments, "bench.bin", "", "", bytes.NewReader(file))
			return err
		}, func() error { return rawWriteChunks(ctx, e.raw, file) })
		if err != nil {
			return times, "", fmt.Errorf("upload: %w", err)
		}
		if _, err := e.raw.ExecContext(ctx, "DELETE FROM attachment_chunks WHERE blob_id = ?", rawBlobID); err != nil {
			return times, "", err
		}
		if name != "" {
			if _, err := srv.attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name}); err != nil {
				return times, "", err
			}
		}
		name = a.GetName()
	}
	return times, name, nil
}

// timeDownloads downloads the named attachment beside reading its chunks
// raw, and beside that the same messages from a gRPC server holding file
// in memory, to show what gRPC alone costs.
func timeDownloads(ctx context.Context, e *env, srv *interlogd, name string, file []byte) (times transferTimes, grpcOnly []time.Duration, err error) {
	memory, stopMemory, err := serveFromMemory(file)
	if err != nil {
		return times, nil, err
	}
	defer stopMemory()
	for round := -1; round < downloadRounds; round++ {
		err := times.measure(round, func() error { return downloadDiscard(ctx, srv.attachments, name) },
			func() error { return rawReadChunks(ctx, e.raw, name) })
		if err != nil {
			return times, nil, fmt.Errorf("download: %w", err)
		}
		d, err := timed(func() error { return downloadDiscard(ctx, memory, "attachments/1") })
		if err != nil {
			return times, nil, fmt.Errorf("download from memory: %w", err)
		}
		if round >= 0 {
			grpcOnly = append(grpcOnly, d)
		}
	}
	return times, grpcOnly, nil
}

// memoryDownloads serves DownloadAttachment of any name from memory: the
// messages a download of file sends, without a database, to show what gRPC
// alone costs.
type memoryDownloads struct {
	apiv1.UnimplementedAttachmentServiceServer
	file []byte
}

func (m memoryDownloads) DownloadAttachment(_ *apiv1.DownloadAttachmentRequest, s grpc.ServerStreamingServer[apiv1.DownloadAttachmentResponse]) error {
	if err := s.Send(&apiv1.DownloadAttachmentResponse{Metadata: &apiv1.Attachment{SizeBytes: int64(len(m.file))}}); err != nil {
		return err
	}
	for msg := range slices.Chunk(m.file, store.ChunkSize*store.ChunkBatch) {
		if err := s.Send(&apiv1.DownloadAttachmentResponse{Chunk: msg}); err != nil {
			return err
		}
	}
	return nil
}

// serveFromMemory serves memoryDownloads of file on a loopback port and
// returns a client of it.
func serveFromMemory(file []byte) (apiv1.AttachmentServiceClient, func(), error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := grpc.NewServer()
	apiv1.RegisterAttachmentServiceServer(srv, memoryDownloads{file: file})
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		srv.Stop()
		return nil, nil, err
	}
	return apiv1.NewAttachmentServiceClient(conn), func() { _ = conn.Close(); srv.Stop() }, nil
}

// transferTimes are the durations of the service's transfers and of the
// raw database work beside them, round by round.
type transferTimes struct{ service, raw []time.Duration }

// measure times one round: the service first in even rounds and the raw
// work first in odd ones, so that neither always runs beside the flushing
// and purging the other left behind. Round -1 warms up and is not kept.
func (t *transferTimes) measure(round int, service, raw func() error) error {
	var d, r time.Duration
	steps := []struct {
		took  *time.Duration
		run   func() error
		label string
	}{{&d, service, "service"}, {&r, raw, "raw"}}
	if round%2 != 0 {
		slices.Reverse(steps)
	}
	for _, step := range steps {
		var err error
		if *step.took, err = timed(step.run); err != nil {
			return fmt.Errorf("%s: %w", step.label, err)
		}
	}
	if round >= 0 {
		t.service, t.raw = append(t.service, d), append(t.raw, r)
	}
	return nil
}

// ratios are each round's service speed / raw speed, in round order.
func (t transferTimes) ratios() []float64 {
	ratios := make([]float64, len(t.service))
	for i := range ratios {
		ratios[i] = t.raw[i].Seconds() / t.service[i].Seconds()
	}
	return ratios
}

// attachmentMemory uploads then downloads n files at the same time on a
// fresh server and returns its resident memory when idle and at the peak.
func attachmentMemory(ctx context.Context, e *env, n int) (idle, peak int64, err error) {
	srv, err := startInterlogd(ctx, e.cfg.mysqlURL)
	if err != nil {
		return 0, 0, err
	}
	defer srv.stop()
	if idle, err = srv.residentBytes(); err != nil {
		return 0, 0, err
	}
	if err := srv.resetPeak(); err != nil {
		return 0, 0, err
	}
	files := make([][]byte, n)
	names := make([]string, n)
	for i := range files {
		files[i] = randomFile(attachmentSize)
	}
	err = together(n, func(i int) error {
		a, err := attachclient.Upload(ctx, srv.attachments, "bench.bin", "", "", bytes.NewReader(files[i]))
		names[i] = a.GetName()
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("upload: %w", err)
	}
	if err := together(n, func(i int) error { return downloadDiscard(ctx, srv.attachments, names[i]) }); err != nil {
		return 0, 0, fmt.Errorf("download: %w", err)
	}
	if peak, err = srv.peakBytes(); err != nil {
		return 0, 0, err
	}
	for _, name := range names {
		if _, err := srv.attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name}); err != nil {
			return 0, 0, err
		}
	}
	return idle, peak, nil
}

// together runs fn(0) .. fn(n-1) at the same time and returns the first error.
func together(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func randomFile(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func timed(fn func() error) (time.Duration, error) {
	start := time.Now()
	err := fn()
	return time.Since(start), err
}

// median returns the middle value (the upper one of an even count).
func median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func mbps(bytes int, d time.Duration) float64 { return float64(bytes) / 1e6 / d.Seconds() }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func downloadDiscard(ctx context.Context, c apiv1.AttachmentServiceClient, name string) error {
	_, err := attachclient.Download(ctx, c, name, io.Discard)
	return err
}

// rawBlobID marks the chunks rawWriteChunks writes; no blob has it.
const rawBlobID = -1

// rawWriteChunks writes the file's chunks under rawBlobID as the service
// does, without the rest of its work: store.ChunkBatch chunks per
// transaction, each with a prepared INSERT.
func rawWriteChunks(ctx context.Context, db *sql.DB, file []byte) error {
	seq := 0
	for batch := range slices.Chunk(file, store.ChunkSize*store.ChunkBatch) {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO attachment_chunks (blob_id, seq, data) VALUES (?, ?, ?)")
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		for chunk := range slices.Chunk(batch, store.ChunkSize) {
			if _, err := stmt.ExecContext(ctx, rawBlobID, seq, chunk); err != nil {
				_ = tx.Rollback()
				return err
			}
			seq++
		}
		_ = stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// rawReadChunks reads the chunks of an attachment as the service does,
// store.ChunkBatch per query, copying each into a reused buffer.
func rawReadChunks(ctx context.Context, db *sql.DB, name string) error {
	var blobID int64
	if err := db.QueryRowContext(ctx, "SELECT blob_id FROM attachments WHERE id = ?", strings.TrimPrefix(name, "attachments/")).Scan(&blobID); err != nil {
		return err
	}
	buf := make([]byte, 0, store.ChunkSize*store.ChunkBatch)
	for last, more := -1, true; more; {
		rows, err := db.QueryContext(ctx, "SELECT seq, data FROM attachment_chunks WHERE blob_id = ? AND seq > ? ORDER BY seq LIMIT ?",
			blobID, last, store.ChunkBatch)
		if err != nil {
			return err
		}
		buf, more = buf[:0], false
		for rows.Next() {
			var raw sql.RawBytes
			if err := rows.Scan(&last, &raw); err != nil {
				_ = rows.Close()
				return err
			}
			buf, more = append(buf, raw...), true
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// interlogd is a server process started for the benchmark.
type interlogd struct {
	cmd         *exec.Cmd
	conn        *grpc.ClientConn
	attachments apiv1.AttachmentServiceClient
}

// startInterlogd builds interlogd (once) and serves the database on a free
// loopback port, waiting until it answers.
func startInterlogd(ctx context.Context, mysqlURL string) (*interlogd, error) {
	bin, err := buildInterlogd()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--database", mysqlURL, "--listen", addr, "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &interlogd{cmd: cmd}
	if s.conn, err = grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials())); err != nil {
		s.stop()
		return nil, err
	}
	s.attachments = apiv1.NewAttachmentServiceClient(s.conn)
	ready, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// The call fails (NOT_FOUND) once the server is up; WaitForReady waits for it.
	_, err = s.attachments.GetAttachment(ready, &apiv1.GetAttachmentRequest{Name: "attachments/1"}, grpc.WaitForReady(true))
	if ready.Err() != nil {
		s.stop()
		return nil, fmt.Errorf("interlogd did not start: %v", err)
	}
	return s, nil
}

var builtInterlogd string

// buildInterlogd compiles cmd/interlogd into a temporary directory.
func buildInterlogd() (string, error) {
	if builtInterlogd != "" {
		return builtInterlogd, nil
	}
	dir, err := os.MkdirTemp("", "interlog-bench-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "interlogd")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/interlog/interlog/cmd/interlogd").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build interlogd: %v\n%s", err, out)
	}
	builtInterlogd = bin
	return bin, nil
}

func freeAddr() (string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer lis.Close()
	return lis.Addr().String(), nil
}

func (s *interlogd) stop() {
	if s.conn != nil {
		_ = s.conn.Close()
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// resetPeak makes VmHWM restart from the current resident set.
func (s *interlogd) resetPeak() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

func (s *interlogd) residentBytes() (int64, error) { return procStatus(s.cmd.Process.Pid, "VmRSS:") }
func (s *interlogd) peakBytes() (int64, error)     { return procStatus(s.cmd.Process.Pid, "VmHWM:") }

// procStatus reads a "Name:  123 kB" line of /proc/PID/status.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
