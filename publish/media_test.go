package publish_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sppcrawl"

	"github.com/nlnwa/gowarc/v3"

	"sppcrawl/publish"
	"sppcrawl/store"
)

// mediaArchive holds an article in two versions (a raw page each) with an
// archived image and attachment, an image recorded missing, and another
// article sharing the image.
func mediaArchive(t *testing.T) (*store.DB, map[string][]byte) {
	t.Helper()
	db, _ := openTestDB(t)
	ctx := context.Background()
	const img, pdf, lost = "https://www.spp.gov.cn/spp/tt/2026-01/01/700003/images/a.jpg",
		"https://www.spp.gov.cn/spp/jczdal/202601/P0703.pdf", "https://www.spp.gov.cn/spp/tt/2026-01/01/700003/images/lost.png"
	files := map[string][]byte{img: []byte("\xff\xd8\xff\xe0 a jpeg"), pdf: bytes.Repeat([]byte("%PDF-1.4 "), 2000)}
	for v := 1; v <= 2; v++ {
		a := testArticle(3)
		a.Images = []sppcrawl.Image{{URL: img, Alt: "配图"}, {URL: lost}}
		a.Attachments = []sppcrawl.Attachment{{URL: pdf, Name: "全文.pdf"}}
		a.BodyHTML = `<p><img src="` + img + `" alt="配图"><img src="` + lost + `"></p><p><a href="` + pdf + `">全文.pdf</a></p>`
		if v == 2 {
			a.Paragraphs = append(a.Paragraphs, "更正")
		}
		a.ContentHash = a.ComputeHash()
		raw := &sppcrawl.RawPage{URL: a.URL, Status: 200, ContentType: "text/html; charset=utf-8", ETag: `"v` + string(rune('0'+v)) + `"`,
			FetchedAt: time.Date(2026, 1, v, 9, 0, 0, 0, sppcrawl.CST()), Body: []byte("<html><body>v" + string(rune('0'+v)) + "</body></html>")}
		if _, err := db.Upsert(ctx, a, raw); err != nil {
			t.Fatal(err)
		}
	}
	for u, b := range files {
		ct := "image/jpeg"
		if strings.HasSuffix(u, ".pdf") {
			ct = "application/pdf"
		}
		if _, _, err := db.PutMedia(ctx, []string{"spp-700003"}, u, b, ct, time.Date(2026, 1, 2, 9, 0, 0, 0, sppcrawl.CST())); err != nil {
			t.Fatal(err)
		}
	}
	db.RecordMediaMissing(ctx, "spp-700003", lost, "HTTP 404")
	return db, files
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestServe_MediaAndLocalRepost(t *testing.T) {
	db, files := mediaArchive(t)
	srv := apiTestServer(t, db)
	for u, want := range files {
		h := hashOf(want)
		req, _ := http.NewRequest("GET", srv.URL+"/media/"+h, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, want) || resp.Header.Get("ETag") != `"`+h+`"` || resp.Header.Get("Content-Encoding") != "" ||
			resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d bytes, headers %v", u, len(got), resp.Header)
		}
	}
	// A Range of the attachment.
	req, _ := http.NewRequest("GET", srv.URL+"/media/"+hashOf(files["https://www.spp.gov.cn/spp/jczdal/202601/P0703.pdf"]), nil)
	req.Header.Set("Range", "bytes=9-17")
	resp, _ := http.DefaultClient.Do(req)
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(part) != "%PDF-1.4 " {
		t.Errorf("range: %d %q", resp.StatusCode, part)
	}
	for path, code := range map[string]int{"/media/" + strings.Repeat("0", 64): 404, "/media/xyz": 400} {
		resp, _ := http.Get(srv.URL + path)
		resp.Body.Close()
		if resp.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, code)
		}
	}
	// repost?media=local: every archived file linked on this server; the
	// missing image keeps its URL.
	public := httptest.NewServer(publish.NewServer(db, publish.Options{PublicURL: "https://mirror.example.org/spp/"}).Handler())
	defer public.Close()
	for _, c := range []struct{ srv, base string }{{srv.URL, ""}, {public.URL, "https://mirror.example.org/spp"}} {
		resp, _ := http.Get(c.srv + "/api/articles/spp-700003/repost?media=local")
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for u, b := range files {
			if strings.Contains(string(page), u) || !strings.Contains(string(page), `="`+c.base+"/media/"+hashOf(b)+`"`) {
				t.Errorf("repost?media=local under %q still links %s:\n%s", c.base, u, page)
			}
		}
		if !strings.Contains(string(page), "lost.png") {
			t.Error("the missing image lost its URL")
		}
	}
	if resp, _ := http.Get(srv.URL + "/api/articles/spp-700003/repost?media=elsewhere"); resp.StatusCode != 400 {
		t.Errorf("media=elsewhere: %d", resp.StatusCode)
	}
	st, _ := publish.GatherStats(context.Background(), db, time.Now())
	if st.Media.Files != 2 || st.Media.Missing != 1 || st.Media.Bytes != int64(len(files["https://www.spp.gov.cn/spp/jczdal/202601/P0703.pdf"])+len(files["https://www.spp.gov.cn/spp/tt/2026-01/01/700003/images/a.jpg"])) {
		t.Errorf("stats media %+v", st.Media)
	}
}

// The WARC export reads back with gowarc's reader: a warcinfo, then one
// response record per raw page (both versions) and per media file, digests
// verified.
func TestExport_WARC(t *testing.T) {
	db, files := mediaArchive(t)
	seed(t, db, 10, 12) // articles without raw pages are not in the WARC
	path := filepath.Join(t.TempDir(), "a.warc.gz")
	out, err := publish.CreateOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Export(context.Background(), db, out, publish.ExportOptions{Format: "warc", Software: "sppcrawl/test"}); err != nil {
		t.Fatal(err)
	}
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	types := map[string]int{}
	targets := map[string]int{}
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatal(err)
		}
		wr := rec.WarcRecord
		types[wr.Type().String()]++
		if len(rec.Validation) > 0 {
			t.Errorf("%s record: %v", wr.Type(), rec.Validation)
		}
		if wr.Type() == gowarc.Response {
			targets[wr.WarcHeader().Get(gowarc.WarcTargetURI)]++
			if wr.WarcHeader().Get(gowarc.WarcPayloadDigest) == "" || wr.WarcHeader().Get(gowarc.WarcBlockDigest) == "" {
				t.Errorf("%s without digests", wr.WarcHeader().Get(gowarc.WarcTargetURI))
			}
			if v, err := wr.ValidateDigest(); err != nil || len(v) > 0 {
				t.Errorf("digest of %s: %v %v", wr.WarcHeader().Get(gowarc.WarcTargetURI), err, v)
			}
			if hb, ok := wr.Block().(gowarc.HttpResponseBlock); !ok || hb.HttpStatusCode() != 200 {
				t.Errorf("%s: not an HTTP 200 response block", wr.WarcHeader().Get(gowarc.WarcTargetURI))
			}
		}
		rec.Close()
	}
	if types["warcinfo"] != 1 || types["response"] != 4 {
		t.Errorf("record types %v: want one warcinfo, 2 pages + 2 files", types)
	}
	if targets[testArticle(3).URL] != 2 {
		t.Errorf("targets %v: want both versions of the page", targets)
	}
	for u := range files {
		if targets[u] != 1 {
			t.Errorf("no response record for %s", u)
		}
	}
	raw, _ := os.ReadFile(path)
	if members := bytes.Count(raw, []byte{0x1f, 0x8b, 0x08}); members < 5 {
		t.Errorf("%d gzip members, want one per record", members)
	}
}
