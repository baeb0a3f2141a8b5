package publish_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	// Another article shows the same image at another URL.
	b := testArticle(6)
	b.Images = []sppcrawl.Image{{URL: sharedImage}}
	b.ContentHash = b.ComputeHash()
	if _, err := db.Upsert(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PutMedia(ctx, []string{b.ID}, sharedImage, files[img], "image/jpeg", time.Date(2026, 1, 3, 9, 0, 0, 0, sppcrawl.CST())); err != nil {
		t.Fatal(err)
	}
	return db, files
}

// sharedImage is a second URL of mediaArchive's image.
const sharedImage = "https://www.spp.gov.cn/spp/tt/2026-01/01/700006/images/same.jpg"

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
	for _, c := range []struct{ srv, base string }{{srv.URL, srv.URL}, {public.URL, "https://mirror.example.org/spp"}} {
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
	cdx := filepath.Join(t.TempDir(), "a.cdxj")
	if _, err := publish.Export(context.Background(), db, out, publish.ExportOptions{Format: "warc", Software: "sppcrawl/test", Out: path, CDX: cdx}); err != nil {
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
	targets, revisits := map[string]int{}, map[string]string{}
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
		if wr.Type() == gowarc.Revisit {
			revisits[wr.WarcHeader().Get(gowarc.WarcTargetURI)] = wr.WarcHeader().Get(gowarc.WarcRefersToTargetURI)
			if wr.WarcHeader().Get(gowarc.WarcProfile) != gowarc.ProfileIdenticalPayloadDigestV1_1 || wr.WarcHeader().Get(gowarc.WarcPayloadDigest) == "" {
				t.Errorf("revisit %v", wr.WarcHeader())
			}
		}
		rec.Close()
	}
	if types["warcinfo"] != 1 || types["response"] != 4 || types["request"] != 4 || types["revisit"] != 1 {
		t.Errorf("record types %v: want one warcinfo, 2 pages + 2 files (request and response each), 1 revisit", types)
	}
	if revisits[sharedImage] != "https://www.spp.gov.cn/spp/tt/2026-01/01/700003/images/a.jpg" {
		t.Errorf("revisits %v: want the second URL of the image referring to the first", revisits)
	}
	checkCDX(t, cdx, path, []string{testArticle(3).URL, sharedImage})
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

// checkCDX reads the CDXJ index: sorted, one line per capture, each offset
// the start of a gzip member holding that capture's record.
func checkCDX(t *testing.T, cdx, warc string, mustHave []string) {
	t.Helper()
	idx, err := os.ReadFile(cdx)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := os.ReadFile(warc)
	lines := strings.Split(strings.TrimSpace(string(idx)), "\n")
	if !slices.IsSorted(lines) {
		t.Errorf("CDXJ not sorted:\n%s", idx)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		surt, rest, _ := strings.Cut(l, " ")
		_, js, _ := strings.Cut(rest, " ")
		var f struct {
			URL, Filename  string
			Offset, Length string
		}
		if err := json.Unmarshal([]byte(js), &f); err != nil || !strings.HasPrefix(surt, "cn,gov,spp,www)/") || f.Filename != "a.warc.gz" {
			t.Fatalf("CDXJ line %q: %v", l, err)
		}
		off, _ := strconv.Atoi(f.Offset)
		n, _ := strconv.Atoi(f.Length)
		zr, err := gzip.NewReader(bytes.NewReader(w[off : off+n]))
		if err != nil {
			t.Fatalf("%s: offset %d is no gzip member: %v", f.URL, off, err)
		}
		zr.Multistream(false)
		rec, _ := io.ReadAll(zr)
		if !bytes.Contains(rec, []byte("WARC-Target-URI: "+f.URL)) {
			t.Errorf("%s: the record at offset %d is another", f.URL, off)
		}
		seen[f.URL] = true
	}
	for _, u := range mustHave {
		if !seen[u] {
			t.Errorf("the CDXJ index lacks %s", u)
		}
	}
}

// Files from the site are hostile: an XHTML page is served as a download,
// an SVG as an image that opened directly is a download, all under a
// sandboxing CSP, never as markup of this origin; a JPEG stays an image.
func TestServe_HostileMedia(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	a := testArticle(3)
	svg, xhtml, jpeg := "https://www.spp.gov.cn/spp/tt/x.svg", "https://www.spp.gov.cn/spp/tt/x.xhtml", "https://www.spp.gov.cn/spp/tt/x.jpg"
	a.Images = []sppcrawl.Image{{URL: svg}, {URL: jpeg}}
	a.Attachments = []sppcrawl.Attachment{{URL: xhtml, Name: "x"}}
	a.ContentHash = a.ComputeHash()
	db.Upsert(ctx, a, nil)
	bodies := map[string][]byte{
		svg:   []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>`),
		xhtml: []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`),
		jpeg:  []byte("\xff\xd8\xff\xe0 a jpeg"),
	}
	claimed := map[string]string{svg: "image/svg+xml", xhtml: "application/xhtml+xml", jpeg: "image/jpeg"}
	srv := apiTestServer(t, db)
	for u, b := range bodies {
		sha, _, err := db.PutMedia(ctx, []string{a.ID}, u, b, claimed[u], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		info, _, _ := db.Media(ctx, sha)
		if info.ClaimedType != claimed[u] {
			t.Errorf("%s: claimed type %q not recorded", u, info.ClaimedType)
		}
		resp, err := http.Get(srv.URL + "/media/" + sha)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("Content-Security-Policy") != "sandbox; default-src 'none'" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", u, h)
		}
		switch u {
		case svg: // an image inside <img>, a sandboxed download opened directly
			if h.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
				t.Errorf("the SVG: %v", h)
			}
		case jpeg:
			if h.Get("Content-Type") != "image/jpeg" || h.Get("Content-Disposition") != `inline; filename="x.jpg"` {
				t.Errorf("the JPEG: %v", h)
			}
		default:
			if h.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s served as %q (%q): want a download", u, h.Get("Content-Type"), h.Get("Content-Disposition"))
			}
		}
	}
}
