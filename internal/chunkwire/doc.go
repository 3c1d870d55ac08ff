// Package chunkwire moves attachment content between gRPC and the service
// without the generic protobuf codec's copies. It is the one place in
// interlog that reads or writes protobuf wire bytes by hand for content
// (server/codec.go only walks undecodable requests to name the field at
// fault).
//
// # Why
//
// The generic codec gives every received bytes field a new slice and copies
// every sent message into a buffer of its own. For attachments, whose
// messages are up to 1 MiB of content each, that is a heap allocation of the
// message's size per message received (32 MiB of garbage per 32 MiB
// transfer, on the server for uploads and in the client for downloads) and a
// copy of each downloaded batch. Three paths avoid it:
//
//   - upload, server: Decode copies a message's chunk into a buffer the
//     receiver reuses (server/upload_chunk.go borrows it from a pool while a
//     message is processed, so that a stalled upload holds none);
//   - download, server: Buffers lets the store append a batch of chunks
//     behind room for the field's header, writes the header in place, and
//     hands the buffer to gRPC as the encoded message (Encoded, sent as it is
//     by server/codec.go); gRPC gives it back through mem.BufferPool once it
//     is written;
//   - download, client: LoneField recognises a message that is the chunk
//     field alone, as the server sends them, and WriteAfter writes the chunk
//     out of gRPC's receive buffers (internal/attachclient's codec).
//
// # Invariants
//
//   - Decode reads a message as protobuf does: the last chunk field wins,
//     other fields of other wire types are skipped as unknown, malformed
//     bytes are ErrMalformed (the server then explains them as it does for
//     any request), and it never keeps b.
//   - A Buffers buffer belongs to gRPC from Message until gRPC frees it
//     (Put): the sender takes a buffer only from Available, so it never
//     writes into a message gRPC may still be sending. The room in front of
//     the content fits a header of any length, so no batch can outgrow it.
//   - A message that is not a lone chunk (the first of a download, with the
//     metadata) goes to protobuf; the shortcuts apply only where the wire
//     form is fixed by the proto and checked.
//
// # What the benchmark showed
//
// bench_test.go sets each path against the generic codec on the same
// message. Measured 2026-12-02 on the 2-CPU development machine while other
// jobs kept its load average at 18–25, six runs of 200 messages each, medians
// (ranges) per message:
//
//	upload 256 KiB   chunkwire   77 µs (24–250)       0 allocs  ~5 KiB/op
//	                 proto      914 µs (194–2368)     3 allocs  262 KiB/op
//	upload 1 MiB     chunkwire  107 µs (79–645)       0 allocs  ~3 KiB/op
//	                 proto     2458 µs (1371–4025)    3 allocs  1.0 MiB/op
//	download send    chunkwire  0.2 µs (0.1–0.2)      0 allocs  0 B/op
//	  (1020 KiB)     proto      168 µs (76–342)       2 allocs  ~3 KiB/op
//	download receive chunkwire  0.4 µs (0.3–0.8)      0 allocs  0 B/op
//	  (1020 KiB)     proto     4660 µs (3101–5853)    2 allocs  1.0 MiB/op
//
// (The few KiB/op of the chunkwire upload and the proto send are gRPC's
// pooled buffers refilled after a collection empties the pool.) The times
// are inflated by the load; the allocations are not. Every path spares an
// allocation of the message's size per message or, for the server's
// download, a copy of it into a pooled buffer (still there in the generic
// path, 2–8 % of the 2 ms a 1 MiB message takes at the 470 MB/s downloads of
// docs/benchmarks.md), so all three stay. docs/benchmarks.md records what
// each did to the server's memory when it came in (one upload's growth
// 17–18 → 8–10 MiB; one download's 11–13 → 3.5–5 MiB, eight at once 20 → 8
// MiB per transfer, against a target of 16). With the code in this package,
// one run of `go run ./bench -run attachments` on 2026-12-02 (load average
// 20–36, so its rates say little) gave 11.9, 7.7 and 9.1 MiB of growth per
// transfer for one, four and eight at once, within the earlier runs' range.
//
// What did not pay, and was dropped: the client decoded a download message
// that is not a lone chunk with Decode into a reused buffer as well; only the
// metadata message takes that path, once per download, so it now goes to
// protobuf.
package chunkwire
