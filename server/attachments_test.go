package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/internal/attachclient"
	ts "github.com/interlog/interlog/internal/testserver"
	"github.com/interlog/interlog/server"
	"github.com/interlog/interlog/store"
)

const mib = 1 << 20

// testAttachmentLimit is the size limit of the servers in these tests: small,
// and not a multiple of the chunk size.
const testAttachmentLimit = 3*mib + 5

var attachmentOptions = ts.Options{Server: server.Options{MaxAttachmentBytes: testAttachmentLimit}}

// content returns n reproducible pseudo-random bytes; seed tells contents apart.
func content(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// download returns an attachment's content and fails the test on error.
func download(t *testing.T, env *ts.Env, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := attachclient.Download(context.Background(), env.Attachments, name, &buf)
	ts.NoErr(t, err)
	return buf.Bytes()
}

// wantNothingStored fails unless no attachment, blob or chunk exists.
func wantNothingStored(t *testing.T, env *ts.Env) {
	t.Helper()
	wantStorage(t, env, 0, 0)
	list, err := env.Attachments.ListAttachments(context.Background(), &apiv1.ListAttachmentsRequest{})
	ts.NoErr(t, err)
	if len(list.GetAttachments()) != 0 {
		t.Fatalf("attachments left behind: %v", list)
	}
}

// chunksOf is how many chunks store content of n bytes.
func chunksOf(n int) int64 { return int64((n + store.ChunkSize - 1) / store.ChunkSize) }

// wantStorage checks the storage is consistent and holds so many blobs and chunks.
func wantStorage(t *testing.T, env *ts.Env, blobs, chunks int64) {
	t.Helper()
	r := ts.WantAttachmentsConsistent(t, env)
	if r.Blobs != blobs || r.Chunks != chunks {
		t.Fatalf("storage holds %d blobs and %d chunks, want %d and %d", r.Blobs, r.Chunks, blobs, chunks)
	}
}

func TestAttachmentRoundTrips(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		var blobs, chunks int64
		// One stored chunk, one message, one message and a byte, many of each, the limit.
		for i, size := range []int{0, 1, store.ChunkSize, mib, mib + 1, 3*mib - 3, testAttachmentLimit} {
			data := content(size, uint64(i))
			a := upload(t, env, "file.pdf", data)
			if a.GetSizeBytes() != int64(size) || a.GetSha256() != sha256Hex(data) || a.GetReadOnly() ||
				a.GetFileName() != "file.pdf" || a.GetContentType() != "application/pdf" || a.GetCreateTime() == nil {
				t.Fatalf("size %d: uploaded %v", size, a)
			}
			var buf bytes.Buffer
			meta, err := attachclient.Download(ctx, env.Attachments, a.GetName(), &buf)
			ts.NoErr(t, err)
			if !bytes.Equal(buf.Bytes(), data) {
				t.Fatalf("size %d: downloaded %d bytes that differ from the upload", size, buf.Len())
			}
			got, err := env.Attachments.GetAttachment(ctx, &apiv1.GetAttachmentRequest{Name: a.GetName()})
			ts.NoErr(t, err)
			if got.GetAttachment().GetSha256() != a.GetSha256() || meta.GetName() != a.GetName() || meta.GetSizeBytes() != int64(size) {
				t.Fatalf("size %d: get %v, download metadata %v, upload %v", size, got, meta, a)
			}
			blobs, chunks = blobs+1, chunks+chunksOf(size)
			wantStorage(t, env, blobs, chunks)
		}
	})
}

func TestAttachmentSizeLimit(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		_, err := attachclient.Upload(context.Background(), env.Attachments, "big.bin", "", "", bytes.NewReader(content(testAttachmentLimit+1, 1)))
		ts.WantCode(t, err, codes.ResourceExhausted, "ATTACHMENT_TOO_LARGE")
		wantNothingStored(t, env)
	})
}

// TestAttachmentSmallMessagesAreStoredInWholeChunks sends many small
// messages: storage still uses whole chunks, and the download sends them in
// batches of store.ChunkBatch.
func TestAttachmentSmallMessagesAreStoredInWholeChunks(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		data := content(2*mib+100, 7)
		stream, err := env.Attachments.UploadAttachment(ctx)
		ts.NoErr(t, err)
		ts.NoErr(t, stream.Send(metadataMessage("small.bin", "")))
		for part := range slices.Chunk(data, 100_000) {
			ts.NoErr(t, stream.Send(chunkMessage(part)))
		}
		resp, err := stream.CloseAndRecv()
		ts.NoErr(t, err)
		if resp.GetAttachment().GetContentType() != "application/octet-stream" {
			t.Fatalf("content type %q, want application/octet-stream when none is given", resp.GetAttachment().GetContentType())
		}
		wantStorage(t, env, 1, chunksOf(len(data)))

		down, err := env.Attachments.DownloadAttachment(ctx, &apiv1.DownloadAttachmentRequest{Name: resp.GetAttachment().GetName()})
		ts.NoErr(t, err)
		var sizes []int
		for {
			msg, err := down.Recv()
			if err != nil {
				break
			}
			if msg.GetMetadata() == nil {
				sizes = append(sizes, len(msg.GetChunk()))
			}
		}
		const message = store.ChunkSize * store.ChunkBatch
		want := slices.Repeat([]int{message}, len(data)/message)
		if rest := len(data) % message; rest > 0 {
			want = append(want, rest)
		}
		if !slices.Equal(sizes, want) {
			t.Fatalf("download message sizes %v, want %v", sizes, want)
		}
	})
}

func metadataMessage(fileName, contentType string) *apiv1.UploadAttachmentRequest {
	return &apiv1.UploadAttachmentRequest{Part: &apiv1.UploadAttachmentRequest_Metadata{
		Metadata: &apiv1.Attachment{FileName: fileName, ContentType: contentType},
	}}
}

func chunkMessage(b []byte) *apiv1.UploadAttachmentRequest {
	return &apiv1.UploadAttachmentRequest{Part: &apiv1.UploadAttachmentRequest_Chunk{Chunk: b}}
}

func TestAttachmentUploadRefusals(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		cases := []struct {
			name     string
			messages []*apiv1.UploadAttachmentRequest
			field    string
		}{
			{"empty stream", nil, "metadata"},
			{"chunk first", []*apiv1.UploadAttachmentRequest{chunkMessage([]byte("x"))}, "metadata"},
			{"metadata twice", []*apiv1.UploadAttachmentRequest{metadataMessage("a", ""), chunkMessage([]byte("x")), metadataMessage("a", "")}, "metadata"},
			{"no file name", []*apiv1.UploadAttachmentRequest{metadataMessage("", "")}, "metadata.file_name"},
			{"file name too long", []*apiv1.UploadAttachmentRequest{metadataMessage(string(bytes.Repeat([]byte("a"), 251)), "")}, "metadata.file_name"},
			{"control character", []*apiv1.UploadAttachmentRequest{metadataMessage("a\x01b", "")}, "metadata.file_name"},
			{"bad content type", []*apiv1.UploadAttachmentRequest{metadataMessage("a", "pdf please")}, "metadata.content_type"},
			{"chunk too big", []*apiv1.UploadAttachmentRequest{metadataMessage("a", ""), chunkMessage(make([]byte, mib+1))}, "chunk"},
			{"request id not a uuid", []*apiv1.UploadAttachmentRequest{{
				Part: metadataMessage("a", "").Part, RequestId: "retry-1",
			}}, "request_id"},
		}
		for _, c := range cases {
			stream, err := env.Attachments.UploadAttachment(context.Background())
			ts.NoErr(t, err)
			for _, m := range c.messages {
				if stream.Send(m) != nil {
					break
				}
			}
			_, err = stream.CloseAndRecv()
			t.Logf("%s: %v", c.name, err)
			ts.WantInvalid(t, err, c.field)
			wantNothingStored(t, env)
		}
	})
}

// TestAttachmentLaterMessagesOnTheWire sends the messages after the first as
// wire bytes, which the server decodes itself (uploadChunk): what protobuf
// allows is read as protobuf reads it, what it refuses is INVALID_ARGUMENT
// naming the field, and nothing of a refused upload stays.
func TestAttachmentLaterMessagesOnTheWire(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		const method = apiv1.AttachmentService_UploadAttachment_FullMethodName
		first := wire(t, metadataMessage("wire.bin", ""))
		chunk := func(b []byte) []byte { return wire(t, chunkMessage(b)) }
		tag := func(num protowire.Number, typ protowire.Type) []byte { return protowire.AppendTag(nil, num, typ) }

		accepted := []struct {
			name  string
			later [][]byte
			want  []byte
		}{
			{"chunks in parts", [][]byte{chunk([]byte("ab")), chunk(nil), chunk([]byte("c"))}, []byte("abc")},
			{"two chunk fields in one message: the last wins",
				[][]byte{slices.Concat(chunk([]byte("lost")), chunk([]byte("kept")))}, []byte("kept")},
			{"request id on a later message is ignored",
				[][]byte{wire(t, &apiv1.UploadAttachmentRequest{Part: chunkMessage([]byte("x")).Part, RequestId: "not read here"})}, []byte("x")},
			{"unknown field skipped",
				[][]byte{slices.Concat(protowire.AppendVarint(tag(99, protowire.VarintType), 7), chunk([]byte("y")))}, []byte("y")},
			{"chunk field of another wire type is an unknown field",
				[][]byte{slices.Concat(protowire.AppendVarint(tag(2, protowire.VarintType), 1), chunk([]byte("z")))}, []byte("z")},
		}
		for _, c := range accepted {
			resp, err := env.StreamRaw(ctx, method, append([][]byte{first}, c.later...)...)
			ts.NoErr(t, err)
			var up apiv1.UploadAttachmentResponse
			ts.NoErr(t, proto.Unmarshal(resp, &up))
			var got bytes.Buffer
			_, err = attachclient.Download(ctx, env.Attachments, up.GetAttachment().GetName(), &got)
			ts.NoErr(t, err)
			if !bytes.Equal(got.Bytes(), c.want) {
				t.Fatalf("%s: stored %q, want %q", c.name, got.Bytes(), c.want)
			}
			_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: up.GetAttachment().GetName()})
			ts.NoErr(t, err)
		}

		refused := []struct {
			name  string
			later []byte
			field string
		}{
			{"chunk cut short", chunk([]byte("abcdef"))[:4], "chunk"},
			{"broken tag", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ""},
			{"metadata", wire(t, metadataMessage("again.bin", "")), "metadata"},
			{"chunk over 1 MiB", chunk(make([]byte, mib+1)), "chunk"},
		}
		for _, c := range refused {
			_, err := env.StreamRaw(ctx, method, first, chunk([]byte("before")), c.later)
			t.Logf("%s: %v", c.name, err)
			if c.field == "" {
				ts.WantCode(t, err, codes.InvalidArgument, "")
			} else {
				ts.WantInvalid(t, err, c.field)
			}
			wantNothingStored(t, env)
		}
	})
}

// wire is m's wire bytes.
func wire(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	ts.NoErr(t, err)
	return b
}

// TestAttachmentDownloadInterrupted: downloads abandoned by the client half
// way, and a download whose attachment is deleted under it. The server goes on
// serving whole, correct downloads, and a download never ends in success with
// content that is not the attachment's.
func TestAttachmentDownloadInterrupted(t *testing.T) {
	const size = 6*mib + 123 // six messages and a bit: more than a download buffers
	opts := ts.Options{Server: server.Options{MaxAttachmentBytes: size}}
	ts.ForEachEngineWith(t, opts, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		data := content(size, 11)
		upload := func() string {
			a, err := attachclient.Upload(ctx, env.Attachments, "big.bin", "", "", bytes.NewReader(data))
			ts.NoErr(t, err)
			return a.GetName()
		}
		// startDownload receives the metadata and the first chunk.
		startDownload := func(ctx context.Context, name string) (apiv1.AttachmentService_DownloadAttachmentClient, []byte) {
			stream, err := env.Attachments.DownloadAttachment(ctx, &apiv1.DownloadAttachmentRequest{Name: name})
			ts.NoErr(t, err)
			for _, want := range []string{"metadata", "chunk"} {
				msg, err := stream.Recv()
				ts.NoErr(t, err)
				if want == "chunk" {
					return stream, msg.GetChunk()
				}
			}
			panic("unreachable")
		}

		name := upload()
		for range 5 {
			abandoned, cancel := context.WithCancel(ctx)
			startDownload(abandoned, name)
			cancel()
		}
		var whole bytes.Buffer
		_, err := attachclient.Download(ctx, env.Attachments, name, &whole)
		ts.NoErr(t, err)
		if !bytes.Equal(whole.Bytes(), data) {
			t.Fatalf("download after abandoned ones: %d bytes, not the %d uploaded", whole.Len(), len(data))
		}

		stream, got := startDownload(ctx, name)
		_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name})
		ts.NoErr(t, err)
		for {
			msg, err := stream.Recv()
			if err == io.EOF {
				t.Logf("the download had read everything before the delete")
				if !bytes.Equal(got, data) {
					t.Fatalf("download ended in success with %d bytes, not the %d uploaded", len(got), len(data))
				}
				break
			}
			if err != nil {
				t.Logf("the delete cut the download short after %d bytes: %v", len(got), err)
				ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
				break
			}
			got = append(got, msg.GetChunk()...)
		}
		wantNothingStored(t, env)
	})
}

// TestAttachmentCancelledUploadLeavesNothing cancels an upload after the
// server has stored part of it.
func TestAttachmentCancelledUploadLeavesNothing(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx, cancel := context.WithCancel(context.Background())
		stream, err := env.Attachments.UploadAttachment(ctx)
		ts.NoErr(t, err)
		ts.NoErr(t, stream.Send(metadataMessage("half.bin", "")))
		for range 2 {
			ts.NoErr(t, stream.Send(chunkMessage(content(mib, 3))))
		}
		waitForStorage(t, env, func(blobs, chunks int64) bool { return chunks > 0 }, "chunks stored mid-upload")
		cancel()
		waitForStorage(t, env, func(blobs, chunks int64) bool { return blobs == 0 && chunks == 0 }, "nothing left after the cancel")
		wantNothingStored(t, env)
	})
}

// waitForStorage polls the storage counts until ok holds; the server works
// on a cancelled stream after the client has moved on.
func waitForStorage(t *testing.T, env *ts.Env, ok func(blobs, chunks int64) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := env.Store.CheckAttachments(context.Background())
		ts.NoErr(t, err)
		if ok(r.Blobs, r.Chunks) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s: %d blobs, %d chunks", what, r.Blobs, r.Chunks)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAttachmentIdenticalContentIsStoredOnce(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		data := content(2*mib+10, 5)
		first := upload(t, env, "a.pdf", data)
		second := upload(t, env, "b.pdf", data)
		if first.GetName() == second.GetName() || first.GetSha256() != second.GetSha256() || second.GetFileName() != "b.pdf" {
			t.Fatalf("uploads %v and %v: want two attachments with the same content", first, second)
		}
		wantStorage(t, env, 1, chunksOf(len(data)))

		// Deleting one keeps the content of the other.
		_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: first.GetName()})
		ts.NoErr(t, err)
		wantStorage(t, env, 1, chunksOf(len(data)))
		if !bytes.Equal(download(t, env, second.GetName()), data) {
			t.Fatal("the remaining attachment lost its content")
		}
		_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: second.GetName()})
		ts.NoErr(t, err)
		wantStorage(t, env, 0, 0)
	})
}

// TestAttachmentConcurrentIdenticalUploads races uploads of one content.
func TestAttachmentConcurrentIdenticalUploads(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		data := content(mib+1, 9)
		const n = 6
		errs := make([]error, n)
		inParallel(n, func(i int) {
			_, errs[i] = attachclient.Upload(context.Background(), env.Attachments, "same.bin", "", "", bytes.NewReader(data))
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("upload %d: %v", i, err)
			}
		}
		wantStorage(t, env, 1, chunksOf(len(data)))
	})
}

func TestAttachmentUploadRequestID(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		id := uuid.NewString()
		data := content(mib+3, 11)
		const retries = 4
		names := make([]string, retries)
		errs := make([]error, retries)
		inParallel(retries, func(i int) {
			a, err := attachclient.Upload(ctx, env.Attachments, "r.bin", "", id, bytes.NewReader(data))
			names[i], errs[i] = a.GetName(), err
		})
		for i := range retries {
			ts.NoErr(t, errs[i])
			if names[i] != names[0] {
				t.Fatalf("retry %d created %s, retry 0 %s: the upload was done more than once", i, names[i], names[0])
			}
		}
		again, err := attachclient.Upload(ctx, env.Attachments, "r.bin", "", id, bytes.NewReader(data))
		ts.NoErr(t, err)
		if again.GetName() != names[0] {
			t.Fatalf("a later retry created %s, want the first response %s", again.GetName(), names[0])
		}
		wantStorage(t, env, 1, chunksOf(len(data)))

		// The same id with other content or another file name is refused.
		_, err = attachclient.Upload(ctx, env.Attachments, "r.bin", "", id, bytes.NewReader(data[1:]))
		ts.WantRequestIDReused(t, err)
		_, err = attachclient.Upload(ctx, env.Attachments, "other.bin", "", id, bytes.NewReader(data))
		ts.WantRequestIDReused(t, err)
		wantStorage(t, env, 1, chunksOf(len(data)))
		list, err := env.Attachments.ListAttachments(ctx, &apiv1.ListAttachmentsRequest{})
		ts.NoErr(t, err)
		if len(list.GetAttachments()) != 1 {
			t.Fatalf("want one attachment, have %v", list)
		}
	})
}

func TestAttachmentGetListDelete(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		var names []string
		for i := range 5 {
			names = append(names, upload(t, env, "f.txt", content(10, uint64(i))).GetName())
		}
		var listed []string
		token := ""
		for pages := 0; ; pages++ {
			resp, err := env.Attachments.ListAttachments(ctx, &apiv1.ListAttachmentsRequest{PageSize: 2, PageToken: token})
			ts.NoErr(t, err)
			for _, a := range resp.GetAttachments() {
				listed = append(listed, a.GetName())
			}
			token = resp.GetNextPageToken()
			if token == "" {
				if pages != 2 {
					t.Fatalf("%d pages of 2 for 5 attachments", pages+1)
				}
				break
			}
		}
		if len(listed) != 5 || listed[0] != names[0] || listed[4] != names[4] {
			t.Fatalf("listed %v, uploaded %v", listed, names)
		}
		_, err := env.Attachments.ListAttachments(ctx, &apiv1.ListAttachmentsRequest{PageToken: "garbage"})
		ts.WantInvalid(t, err, "page_token")

		_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: names[2], RequestId: uuid.NewString()})
		ts.NoErr(t, err)
		for _, call := range []func(name string) error{
			func(name string) error {
				_, err := env.Attachments.GetAttachment(ctx, &apiv1.GetAttachmentRequest{Name: name})
				return err
			},
			func(name string) error {
				_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name})
				return err
			},
			func(name string) error {
				_, err := attachclient.Download(ctx, env.Attachments, name, &bytes.Buffer{})
				return err
			},
		} {
			ts.WantCode(t, call(names[2]), codes.NotFound, "ATTACHMENT_NOT_FOUND")
			for _, bad := range []string{"attachments/x", "attachments/0", "files/1", "attachments/1/2"} {
				ts.WantInvalid(t, call(bad), "name")
			}
		}
		wantStorage(t, env, 4, 4)
	})
}

// TestAttachmentReferences follows attachments through templates and
// language rows: a referenced attachment cannot be deleted, releasing the
// last reference deletes it, and content shared with another attachment
// stays while that one exists.
func TestAttachmentReferences(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		letter := content(mib+1, 21)
		a := upload(t, env, "letter.pdf", letter)
		aCopy := upload(t, env, "letter-copy.pdf", letter) // same blob as a
		b := upload(t, env, "brief.pdf", content(100, 22))
		c := upload(t, env, "lettre.pdf", content(200, 23))
		wantStorage(t, env, 3, chunksOf(len(letter))+2)

		tmpl := createTemplateWithAttachment(t, env, "T", a.GetName())
		addLanguage(t, env, "T", "DEU", b.GetName())
		addLanguage(t, env, "T", "FRA", aCopy.GetName())
		for _, name := range []string{a.GetName(), b.GetName(), aCopy.GetName()} {
			_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: name})
			ts.WantCode(t, err, codes.FailedPrecondition, "ATTACHMENT_IN_USE")
		}
		wantStorage(t, env, 3, chunksOf(len(letter))+2)

		// Swapping a row's attachment releases the old one.
		_, err := env.Templates.UpdateInteractionTemplateLanguage(ctx, &apiv1.UpdateInteractionTemplateLanguageRequest{
			InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{Name: "interactionTemplates/T/languages/DEU", Attachment: c.GetName()},
			UpdateMask:                  &fieldmaskpb.FieldMask{Paths: []string{"attachment"}},
		})
		ts.NoErr(t, err)
		wantGone(t, env, b.GetName())
		wantStorage(t, env, 2, chunksOf(len(letter))+1)

		// The template stops using a: a goes, its content stays for aCopy.
		_, err = env.Templates.UpdateInteractionTemplate(ctx, &apiv1.UpdateInteractionTemplateRequest{
			InteractionTemplate: &apiv1.InteractionTemplate{Name: tmpl.GetName()},
			UpdateMask:          &fieldmaskpb.FieldMask{Paths: []string{"attachment"}},
		})
		ts.NoErr(t, err)
		wantGone(t, env, a.GetName())
		wantStorage(t, env, 2, chunksOf(len(letter))+1)
		if !bytes.Equal(download(t, env, aCopy.GetName()), letter) {
			t.Fatal("the copy lost its content")
		}

		// Deleting a row releases its attachment; deleting the template releases the rest.
		_, err = env.Templates.DeleteInteractionTemplateLanguage(ctx, &apiv1.DeleteInteractionTemplateLanguageRequest{Name: "interactionTemplates/T/languages/FRA"})
		ts.NoErr(t, err)
		wantGone(t, env, aCopy.GetName())
		wantStorage(t, env, 1, 1)
		_, err = env.Templates.DeleteInteractionTemplate(ctx, &apiv1.DeleteInteractionTemplateRequest{Name: tmpl.GetName()})
		ts.NoErr(t, err)
		wantGone(t, env, c.GetName())
		wantStorage(t, env, 0, 0)
	})
}

// TestAttachmentReferenceRacesDelete races adding a reference to an
// attachment with deleting it: exactly one wins, and no reference is ever
// left pointing at a deleted attachment.
func TestAttachmentReferenceRacesDelete(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		createGroup(t, env, "G")
		createTemplate(t, env, "T", "G")
		for round := range 10 {
			a := upload(t, env, "race.txt", content(50, uint64(round)))
			var createErr, deleteErr error
			inParallel(2, func(i int) {
				if i == 0 {
					_, createErr = env.Templates.CreateInteractionTemplateLanguage(ctx, &apiv1.CreateInteractionTemplateLanguageRequest{
						Parent:                      "interactionTemplates/T",
						InteractionTemplateLanguage: &apiv1.InteractionTemplateLanguage{LanguageCode: "L" + string(rune('A'+round)), Attachment: a.GetName()},
					})
				} else {
					_, deleteErr = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: a.GetName()})
				}
			})
			switch {
			case createErr == nil && deleteErr != nil:
				ts.WantCode(t, deleteErr, codes.FailedPrecondition, "ATTACHMENT_IN_USE")
			case createErr != nil && deleteErr == nil:
				ts.WantCode(t, createErr, codes.NotFound, "ATTACHMENT_NOT_FOUND")
			default:
				t.Fatalf("round %d: create %v, delete %v: want exactly one to succeed", round, createErr, deleteErr)
			}
			ts.WantAttachmentsConsistent(t, env)
		}
	})
}

// TestAttachmentUploadRacesDeleteOfTwin finishes an upload while the only
// other attachment with that content is deleted: the new attachment must
// keep its content whichever transaction goes first.
func TestAttachmentUploadRacesDeleteOfTwin(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		for round := range 30 {
			data := content(100+round, uint64(round))
			twin := upload(t, env, "twin.bin", data)
			// Everything is sent before the race starts, so that the
			// upload's last step meets the delete.
			stream, err := env.Attachments.UploadAttachment(ctx)
			ts.NoErr(t, err)
			ts.NoErr(t, stream.Send(metadataMessage("new.bin", "")))
			ts.NoErr(t, stream.Send(chunkMessage(data)))
			var uploaded *apiv1.UploadAttachmentResponse
			var uploadErr, deleteErr error
			inParallel(2, func(i int) {
				if i == 0 {
					uploaded, uploadErr = stream.CloseAndRecv()
				} else {
					_, deleteErr = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: twin.GetName()})
				}
			})
			ts.NoErr(t, uploadErr)
			ts.NoErr(t, deleteErr)
			ts.WantAttachmentsConsistent(t, env)
			if !bytes.Equal(download(t, env, uploaded.GetAttachment().GetName()), data) {
				t.Fatalf("round %d: the new attachment lost its content", round)
			}
			_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: uploaded.GetAttachment().GetName()})
			ts.NoErr(t, err)
			wantStorage(t, env, 0, 0)
		}
	})
}

func createTemplateWithAttachment(t *testing.T, env *ts.Env, code, attachment string) *apiv1.InteractionTemplate {
	t.Helper()
	resp, err := env.Templates.CreateInteractionTemplate(context.Background(), &apiv1.CreateInteractionTemplateRequest{
		InteractionTemplate: &apiv1.InteractionTemplate{Code: code, InteractionGroupCode: "G", Attachment: attachment},
	})
	ts.NoErr(t, err)
	return resp.GetInteractionTemplate()
}

// wantGone fails unless the attachment no longer exists.
func wantGone(t *testing.T, env *ts.Env, name string) {
	t.Helper()
	_, err := env.Attachments.GetAttachment(context.Background(), &apiv1.GetAttachmentRequest{Name: name})
	ts.WantCode(t, err, codes.NotFound, "ATTACHMENT_NOT_FOUND")
}

// entryAttachment reads an entry back and returns its attachment's name.
func entryAttachment(t *testing.T, env *ts.Env, e *apiv1.InteractionLogEntry) string {
	t.Helper()
	resp, err := env.Log.GetInteractionLogEntry(context.Background(), &apiv1.GetInteractionLogEntryRequest{Name: e.GetName()})
	ts.NoErr(t, err)
	return resp.GetInteractionLogEntry().GetAttachment()
}

// setCallAttachment gives template CALL another attachment ("" for none).
func setCallAttachment(t *testing.T, env *ts.Env, attachment string) {
	t.Helper()
	setTemplate(t, env, &apiv1.InteractionTemplate{Name: "interactionTemplates/CALL", Attachment: attachment}, "attachment")
}

// TestAttachmentReferencesThroughTheLog follows attachments through log
// entries: logging shares the template's attachment and makes it
// read-only, a template switching files leaves the entries theirs, cancel
// with release and delete-canceled release only what nothing else uses.
func TestAttachmentReferencesThroughTheLog(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		first, second := content(mib+7, 31), content(300, 32)
		n := upload(t, env, "first.pdf", first)
		setCallAttachment(t, env, n.GetName())
		e1 := logCall(t, env, "ANN", nil)
		if entryAttachment(t, env, e1) != n.GetName() || !attachmentReadOnly(t, env, n.GetName()) {
			t.Fatalf("entry %v: want the template's attachment %s, now read-only", e1, n.GetName())
		}
		_, err := env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: n.GetName()})
		ts.WantCode(t, err, codes.FailedPrecondition, "ATTACHMENT_IN_USE")

		// The template switches to a new file: the entry keeps the old one.
		m := upload(t, env, "second.pdf", second)
		setCallAttachment(t, env, m.GetName())
		if entryAttachment(t, env, e1) != n.GetName() || !bytes.Equal(download(t, env, n.GetName()), first) {
			t.Fatal("the logged entry lost its attachment or its content when the template changed")
		}
		e2 := logCall(t, env, "ANN", nil)
		e3 := logCall(t, env, "ACME", nil)
		wantStorage(t, env, 2, chunksOf(len(first))+1)

		// Cancel with release: n is e1's alone and goes; m is the template's and stays.
		_, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{
			Names: []string{e1.GetName(), e2.GetName()}, ReleaseUniqueAttachments: true,
		})
		ts.NoErr(t, err)
		wantGone(t, env, n.GetName())
		if entryAttachment(t, env, e1) != "" || entryAttachment(t, env, e2) != m.GetName() {
			t.Fatal("cancel with release: want e1's unique attachment removed, e2's shared one kept")
		}
		wantStorage(t, env, 1, 1)

		// The template lets go of m; e2 (canceled) and e3 still hold it.
		setCallAttachment(t, env, "")
		deleteCanceled := func() {
			t.Helper()
			_, err := env.Log.DeleteCanceledInteractionLogEntries(ctx, &apiv1.DeleteCanceledInteractionLogEntriesRequest{})
			ts.NoErr(t, err)
		}
		deleteCanceled()
		wantStorage(t, env, 1, 1)
		_, err = env.Log.CancelInteractionLogEntries(ctx, &apiv1.CancelInteractionLogEntriesRequest{Names: []string{e3.GetName()}})
		ts.NoErr(t, err)
		deleteCanceled()
		wantGone(t, env, m.GetName())
		wantNothingStored(t, env)
	})
}

// TestLogInteractionRacesTemplateAttachmentChange logs an interaction while
// the template switches files (releasing the old one): the entry must never
// point at a released attachment.
func TestLogInteractionRacesTemplateAttachmentChange(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		logFixture(t, env)
		setCallAttachment(t, env, upload(t, env, "v0.txt", content(10, 0)).GetName())
		for round := 1; round <= 15; round++ {
			next := upload(t, env, "v.txt", content(10, uint64(round))).GetName()
			var entry *apiv1.InteractionLogEntry
			inParallel(2, func(i int) {
				if i == 0 {
					entry = logCall(t, env, "ANN", nil)
				} else {
					setCallAttachment(t, env, next)
				}
			})
			ts.WantAttachmentsConsistent(t, env)
			if name := entryAttachment(t, env, entry); !attachmentReadOnly(t, env, name) {
				t.Fatalf("round %d: the entry's attachment %s is not read-only", round, name)
			}
		}
	})
}

// TestAttachmentReferencesThroughDrafts: a draft shares the template's
// attachment without making it read-only, keeps it when the template
// switches files, releases it when deleted, and resuming makes it read-only.
func TestAttachmentReferencesThroughDrafts(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		draft := func() *apiv1.InteractionLogEntry {
			t.Helper()
			resp, err := env.Log.LogInteraction(ctx, &apiv1.LogInteractionRequest{ContactNo: "ANN", InteractionTemplateCode: "CALL", Postpone: true})
			ts.NoErr(t, err)
			return resp.GetInteractionLogEntry()
		}
		a := upload(t, env, "a.pdf", content(mib, 41))
		setCallAttachment(t, env, a.GetName())
		d1 := draft()
		if entryAttachment(t, env, d1) != a.GetName() || attachmentReadOnly(t, env, a.GetName()) {
			t.Fatal("a draft must share the template's attachment without making it read-only")
		}
		b := upload(t, env, "b.pdf", content(10, 42))
		setCallAttachment(t, env, b.GetName())
		wantStorage(t, env, 2, chunksOf(mib)+1)
		_, err := env.Log.DeletePostponedInteraction(ctx, &apiv1.DeletePostponedInteractionRequest{Name: d1.GetName()})
		ts.NoErr(t, err)
		wantGone(t, env, a.GetName())
		wantStorage(t, env, 1, 1)

		d2 := draft()
		_, err = env.Log.ResumeInteraction(ctx, &apiv1.ResumeInteractionRequest{Name: d2.GetName()})
		ts.NoErr(t, err)
		if entryAttachment(t, env, d2) != b.GetName() || !attachmentReadOnly(t, env, b.GetName()) {
			t.Fatal("a resumed draft must keep the template's attachment and make it read-only")
		}
		ts.WantAttachmentsConsistent(t, env)
	})
}

// TestAttachmentReferencesThroughSegments: every entry LogSegment makes
// shares the template's attachment, which becomes read-only and stays while
// they exist.
func TestAttachmentReferencesThroughSegments(t *testing.T) {
	ts.ForEachEngineWith(t, attachmentOptions, func(t *testing.T, env *ts.Env) {
		ctx := context.Background()
		logFixture(t, env)
		a := upload(t, env, "mailing.pdf", content(mib+1, 51))
		setCallAttachment(t, env, a.GetName())
		createSegment(t, env, "S1", "CALL")
		for _, contact := range []string{"ANN", "ACME"} {
			_, err := env.Segments.CreateSegmentLine(ctx, &apiv1.CreateSegmentLineRequest{
				Parent: "segments/S1", SegmentLine: &apiv1.SegmentLine{ContactNo: contact},
			})
			ts.NoErr(t, err)
		}
		_, err := env.Segments.LogSegment(ctx, &apiv1.LogSegmentRequest{Name: "segments/S1"})
		ts.NoErr(t, err)
		id := strings.TrimPrefix(a.GetName(), "attachments/")
		if n := countRows(t, env, "interaction_log_entries", "attachment_id = ?", id); n != 2 || !attachmentReadOnly(t, env, a.GetName()) {
			t.Fatalf("%d entries share the attachment (want 2), read-only %v", n, attachmentReadOnly(t, env, a.GetName()))
		}
		setCallAttachment(t, env, "")
		_, err = env.Attachments.DeleteAttachment(ctx, &apiv1.DeleteAttachmentRequest{Name: a.GetName()})
		ts.WantCode(t, err, codes.FailedPrecondition, "ATTACHMENT_IN_USE")
		wantStorage(t, env, 1, chunksOf(mib+1))
	})
}
