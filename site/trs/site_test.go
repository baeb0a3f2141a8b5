package trs_test

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sppcrawl"
	"sppcrawl/extract"
	"sppcrawl/internal/golden"
	"sppcrawl/site/trs"
)

var update = flag.Bool("update", false, "rewrite testdata/sitepages/*.golden.json")

const (
	sitesDir  = "../../testdata/sites"
	goldenDir = "../../testdata/sitepages"
)

func mustSite(tb testing.TB, host string) *trs.Site {
	tb.Helper()
	s, err := trs.New(host, "")
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// detailPages are the fixture sites' article pages: host → their paths.
func detailPages(tb testing.TB) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	hosts, err := os.ReadDir(sitesDir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, h := range hosts {
		if h.Name() == "www.12309.gov.cn" {
			continue // not of the TRS platform: site/s12309's
		}
		root := filepath.Join(sitesDir, h.Name())
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), "t") && (strings.HasSuffix(d.Name(), ".shtml") || strings.HasSuffix(d.Name(), ".html")) {
				rel, _ := filepath.Rel(root, p)
				out[h.Name()] = append(out[h.Name()], "/"+filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

func TestSite_ParseArticle_Golden(t *testing.T) {
	pages := detailPages(t)
	if len(pages) != 3 {
		t.Fatalf("fixture sites %v, want 3", pages)
	}
	for host, paths := range pages {
		s := mustSite(t, host)
		for _, p := range paths {
			t.Run(host+p, func(t *testing.T) {
				body, err := os.ReadFile(filepath.Join(sitesDir, host, p))
				if err != nil {
					t.Fatal(err)
				}
				// Served as a mirror would: no charset in the header.
				a, err := s.ParseArticle(body, "http://"+host+p, "text/html")
				if err != nil {
					t.Fatal(err)
				}
				got, _ := json.MarshalIndent(a, "", "  ")
				name := filepath.Join(goldenDir, host, strings.TrimSuffix(strings.TrimSuffix(filepath.Base(p), ".shtml"), ".html")+".golden.json")
				golden.Check(t, name, append(got, '\n'), *update, "go test ./site/trs -update")
			})
		}
	}
}

func TestSite_ParseArticle_Fields(t *testing.T) {
	gd, hb := mustSite(t, "www.gd.jcy.gov.cn"), mustSite(t, "www.hbjc.gov.cn")
	for _, c := range []struct {
		site                                             *trs.Site
		path                                             string
		id, site2, channel, source, author, editor, when string
		paragraphs                                       int
	}{
		// 时间 line, 新闻来源, an empty 作者, 责任编辑 after the body, a menu in a .TRS_Editor before it.
		{gd, "/tzgg/202606/t20260611_7770799.shtml", "gd.jcy-7770799", "www.gd.jcy.gov.cn", "通知公告", "广东省人民检察院政治部", "", "陈明", "2026-06-11T00:00:00+08:00", 3},
		// The PubDate meta, with its time, over the empty 时间.
		{gd, "/tzgg/202606/t20260602_7754833.shtml", "gd.jcy-7754833", "www.gd.jcy.gov.cn", "通知公告", "广东省人民检察院", "林晓", "黄文", "2026-06-01T10:30:00+08:00", 3},
		// Neither meta nor 时间: the URL's day.
		{gd, "/tzgg/202601/t20260116_7536139.shtml", "gd.jcy-7536139", "www.gd.jcy.gov.cn", "通知公告", "广东省人民检察院政治部", "", "", "2026-01-16T00:00:00+08:00", 2},
		// GB2312, <!--正文开始-->, 发布时间 with seconds, （责任编辑：…） as the body's last line.
		{hb, "/jcyw/202005/t20200508_215530.shtml", "hbjc-215530", "www.hbjc.gov.cn", "检察要闻", "湖北省人民检察院", "刘洋", "周洋", "2020-05-08T17:35:12+08:00", 2},
		// h1.arttitle + div.article, 编辑 after the body, the publishdate meta (a day) first.
		{hb, "/jcyw/202004/t20200428_215110.shtml", "hbjc-215110", "www.hbjc.gov.cn", "检察要闻", "宜昌市人民检察院", "王芳", "张敏", "2020-04-28T00:00:00+08:00", 2},
	} {
		t.Run(c.path, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(sitesDir, c.site.Host(), c.path))
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.site.ParseArticle(body, c.site.Origin()+c.path, "")
			if err != nil {
				t.Fatal(err)
			}
			got := []string{a.ID, a.Site, a.Channel, a.Source, a.Author, a.Editor, a.PublishedAt.Format("2006-01-02T15:04:05Z07:00")}
			want := []string{c.id, c.site2, c.channel, c.source, c.author, c.editor, c.when}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			if len(a.Paragraphs) != c.paragraphs {
				t.Errorf("paragraphs %q, want %d", a.Paragraphs, c.paragraphs)
			}
		})
	}
}

func TestSite_ParseArticle_NoTemplate(t *testing.T) {
	s := mustSite(t, "www.gd.jcy.gov.cn")
	u := "https://www.gd.jcy.gov.cn/tzgg/202606/t20260611_7770799.shtml"
	for name, page := range map[string]string{
		"menu only": `<html><head><title>标题_广东省人民检察院</title></head><body><div class="TRS_Editor"><ul><li><a href="/a/">甲</a></li><li><a href="/b/">乙</a></li></ul></div><h1>标题</h1><div class="x">短</div></body></html>`,
		"no title":  `<html><head></head><body><div>   </div></body></html>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.ParseArticle([]byte(page), u, "text/html; charset=utf-8")
			if !errors.Is(err, extract.ErrUnknownLayout) {
				t.Fatalf("err %v, want ErrUnknownLayout", err)
			}
			var pe *sppcrawl.PageError
			if !errors.As(err, &pe) || pe.URL != u {
				t.Errorf("err %v does not name the page", err)
			}
		})
	}
}

func TestKeyOf(t *testing.T) {
	for host, want := range map[string]string{
		"www.gd.jcy.gov.cn": "gd.jcy", "WWW.HBJC.GOV.CN": "hbjc", "zjjkq.jsjc.gov.cn": "zjjkq.jsjc", "ftjcy.szft.gov.cn": "ftjcy.szft",
	} {
		if got := trs.KeyOf(host); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestNew_BadHost(t *testing.T) {
	for _, h := range []string{"", "localhost", "www.gd.jcy.gov.cn/x", "a..b", "http://x.cn", "évil.cn"} {
		if _, err := trs.New(h, ""); err == nil {
			t.Errorf("New(%q): no error", h)
		}
	}
}
