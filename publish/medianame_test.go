package publish_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"sppcrawl"
)

// An attachment linked from its article (?article=) downloads (attachment)
// under the name the site gave it (RFC 6266/5987, with an ASCII fallback); the name
// comes from the archive, never from the request; the sandbox stays.
func TestServe_MediaName(t *testing.T) {
	db, files := mediaArchive(t)
	ctx := context.Background()
	odd := testArticle(9)
	odd.Attachments = []sppcrawl.Attachment{{URL: "https://www.spp.gov.cn/spp/x/P1.doc", Name: ` ../报告 "final"; v2 `}}
	odd.ContentHash = odd.ComputeHash()
	if _, err := db.Upsert(ctx, odd, nil); err != nil {
		t.Fatal(err)
	}
	docSHA, _, err := db.PutMedia(ctx, []string{odd.ID}, odd.Attachments[0].URL, []byte("\xd0\xcf\x11\xe0 ole"), "application/msword", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := apiTestServer(t, db)
	pdf := hashOf(files["https://www.spp.gov.cn/spp/jczdal/202601/P0703.pdf"])
	for _, tc := range []struct{ path, want string }{
		{"/media/" + pdf + "?article=spp-700003", `attachment; filename="P0703.pdf"; filename*=UTF-8''%E5%85%A8%E6%96%87.pdf`},
		// Without its article: the name in the site's URL.
		{"/media/" + pdf, `inline; filename="P0703.pdf"`},
		{"/media/" + pdf + "?article=spp-700006", `inline; filename="P0703.pdf"`},                           // not an attachment of that article
		{"/media/" + pdf + "?article=" + "x%22%3B", `inline; filename="P0703.pdf"`},                         // no article id
		{"/media/" + pdf + "?article=spp-700003&name=evil.html", `filename*=UTF-8''%E5%85%A8%E6%96%87.pdf`}, // the request names nothing
		{"/media/" + docSHA + "?article=" + odd.ID, `attachment; filename="final; v2.doc"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20final%3B%20v2.doc`},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("Content-Disposition")
		if resp.StatusCode != 200 || !strings.Contains(got, tc.want) || !strings.Contains(tc.want, "*=") && strings.Contains(got, "*=") ||
			resp.Header.Get("Content-Security-Policy") != "sandbox; default-src 'none'" {
			t.Errorf("%s: %d, Content-Disposition %q, want %q", tc.path, resp.StatusCode, got, tc.want)
		}
	}
}
