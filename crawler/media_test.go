package crawler_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"sppcrawl"
	"sppcrawl/sites"

	"sppcrawl/crawler"
	"sppcrawl/extract"
)

// hostRecorder records the hosts a crawler's requests go to.
type hostRecorder struct {
	mu    sync.Mutex
	hosts map[string]int
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts[r.URL.Host]++
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// A crawl archives the images and attachments of the articles it stores:
// once per content, the hash in the article's JSON equal to the bytes the
// site served; what cannot be archived is recorded as missing, with why; an
// image on another host is never requested.
func TestCrawl_Media(t *testing.T) {
	s := loadSite(t)
	// One page gets an image on another host, one an image the site no
	// longer has (its answer: the homepage), one an oversized attachment.
	var withImage, zgjdxalAttach []*siteArticle
	s.mu.Lock()
	for _, ch := range sites.Default().Channels() { // the channels the crawl below walks
		for _, a := range s.articles[ch.Path] {
			if a.image {
				withImage = append(withImage, a)
			}
			if a.attach {
				zgjdxalAttach = append(zgjdxalAttach, a)
			}
		}
	}
	offsite, gone, big := withImage[0], withImage[1], zgjdxalAttach[0]
	s.pages[offsite.path] = bytes.Replace(s.pages[offsite.path], []byte(`<p style="margin-bottom`),
		[]byte(`<p><img src="https://img.example.com/photo.jpg" alt="外站图片"></p><p style="margin-bottom`), 1)
	delete(s.pages, gone.imagePath())
	s.pages[big.attachPath()] = bytes.Repeat([]byte("%PDF"), 1<<10)
	s.mu.Unlock()
	srv := serve(t, s)
	rec := &hostRecorder{hosts: map[string]int{}}
	db := openStore(t)
	cfg := fullConfig(t, srv, "")
	cfg.Media, cfg.MaxAttachment, cfg.Transport = crawler.MediaAll, 2<<10, rec
	sum, err := runOnce(t, cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	if rec.hosts["img.example.com"] != 0 {
		t.Error("the off-site image was requested")
	}
	ctx := context.Background()
	files := map[string]bool{}
	checked := 0
	db.ForEach(ctx, 0, func(a *sppcrawl.Article) error {
		for _, ref := range a.MediaRefs() {
			path := strings.TrimPrefix(ref.URL, "https://www.spp.gov.cn")
			switch {
			case path == gone.imagePath():
				if ref.SHA256 != "" || !strings.Contains(ref.Missing, "HTML page") {
					t.Errorf("image answered by the homepage: %+v", *ref.Media)
				}
			case path == big.attachPath():
				if ref.SHA256 != "" || !strings.Contains(ref.Missing, "larger than --max-attachment") {
					t.Errorf("oversized attachment: %+v", *ref.Media)
				}
			default:
				s.mu.Lock()
				served := s.pages[path]
				s.mu.Unlock()
				sum := sha256.Sum256(served)
				if ref.SHA256 != hex.EncodeToString(sum[:]) || ref.Size != int64(len(served)) || ref.ContentType == "" {
					t.Errorf("%s: %+v, want the hash of the %d bytes served", path, *ref.Media, len(served))
				}
				info, file, err := db.Media(ctx, ref.SHA256)
				if b, rerr := os.ReadFile(file); err != nil || rerr != nil || !bytes.Equal(b, served) || info.Size != int64(len(served)) {
					t.Errorf("%s: the archived file differs from what was served (%v %v)", path, err, rerr)
				}
				files[ref.SHA256] = true
				checked++
			}
		}
		for _, im := range a.Images {
			if strings.Contains(im.URL, "img.example.com") && (im.SHA256 != "" || im.Missing != "") {
				t.Errorf("the off-site image has media fields: %+v", im)
			}
		}
		return nil
	})
	counts, _ := db.MediaCounts(ctx)
	// 3 pictures shared by every image URL, one PDF per attachment.
	if checked < 40 || counts.Files != len(files) || counts.Files != 3+len(zgjdxalAttach)-1 || counts.Missing != 2 {
		t.Errorf("%d references checked, %d distinct files, counts %+v", checked, len(files), counts)
	}
	if sum.Media != checked || sum.MediaMissing != 2 || !strings.Contains(sum.String(), fmt.Sprintf("48 media URLs archived (%d new files), 2 media missing", counts.Files)) {
		t.Errorf("summary %s", sum)
	}
	// Shared files are not fetched again for the next article using them.
	s.mu.Lock()
	s.pages[gone.imagePath()] = imageBytes(gone.id)
	s.mu.Unlock()
	srv.resetHits()
	mediaSum, err := crawlerFor(t, cfg, db).RunMedia(ctx, "")
	if err != nil || mediaSum.Media != 1 {
		t.Errorf("media run: %v %s; want the one image back", err, mediaSum)
	}
	if n := srv.hitsOf(withImage[2].imagePath()); n != 0 {
		t.Errorf("an archived image was fetched again %d times", n)
	}
}

func crawlerFor(t *testing.T, cfg crawler.Config, db crawler.Archive) *crawler.Crawler {
	t.Helper()
	c, err := crawler.New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// --media none makes no media request; images only skips attachments.
func TestCrawl_MediaModes(t *testing.T) {
	for _, c := range []struct {
		mode              crawler.MediaMode
		images, documents bool
	}{{crawler.MediaNone, false, false}, {crawler.MediaImages, true, false}} {
		s := loadSite(t)
		srv := serve(t, s)
		cfg := fullConfig(t, srv, "zgjdxal,tt")
		cfg.Media = c.mode
		mustRun(t, cfg, openStore(t))
		srv.mu.Lock()
		var images, documents int
		for p, n := range srv.hits {
			if strings.HasSuffix(p, ".jpg") {
				images += n
			}
			if strings.HasSuffix(p, ".pdf") {
				documents += n
			}
		}
		srv.mu.Unlock()
		if (images > 0) != c.images || (documents > 0) != c.documents {
			t.Errorf("mode %d: %d image and %d document requests", c.mode, images, documents)
		}
	}
}

// Every case the fixture site yields is a case: a title, and a section
// under a case heading; the press conferences' transcripts yield none but
// the typical cases they publish, without their Q&A.
func TestCrawl_CasesArePrecise(t *testing.T) {
	s := loadSite(t)
	srv := serve(t, s)
	db := openStore(t)
	mustRun(t, fullConfig(t, srv, ""), db)
	perChannel := map[string]int{}
	err := db.ForEachWithCases(context.Background(), 0, func(a *sppcrawl.Article) error {
		for _, c := range a.Cases {
			perChannel[a.ChannelPath]++
			ok := false
			for _, sec := range c.Sections {
				ok = ok || extract.IsCaseHeading(sec.Heading)
				for _, p := range sec.Paragraphs {
					if strings.HasPrefix(p, "【记者】") || strings.HasPrefix(p, "【主持人】") || strings.HasPrefix(p, "【发布人】") {
						t.Errorf("%s: a transcript's line in case %q: %q", a.ID, c.Title, p)
					}
				}
			}
			if c.Title == "" || !ok {
				t.Errorf("%s: case %+v has no title or no case section", a.ID, c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if perChannel["/spp/jczdal/"] != 124 || perChannel["/spp/zgjdxal/"] == 0 {
		t.Errorf("cases per channel %v: want the guiding and typical cases kept", perChannel)
	}
	// Press conferences: only those that publish typical cases have any.
	for _, path := range []string{"/spp/xwfbh/", "/spp/wsfbt/"} {
		for _, a := range s.articles[path] {
			st, err := db.GetByURL(context.Background(), "https://www.spp.gov.cn"+a.path)
			if err != nil {
				t.Fatal(err)
			}
			hasCases := strings.Contains(strings.Join(a.paras, "\n"), "【典型意义】")
			if (len(st.Cases) > 0) != hasCases {
				t.Errorf("%s (%s): %d cases, publishes cases %v", st.ID, path, len(st.Cases), hasCases)
			}
		}
	}
}
