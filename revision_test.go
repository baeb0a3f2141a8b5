package sppcrawl_test

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"sppcrawl"
)

// storedArticle is an article as the archive holds it: with what the store
// and the media run added to what the page said.
func storedArticle() *sppcrawl.Article {
	cst := time.FixedZone("", 8*3600)
	return &sppcrawl.Article{
		ID: "spp-1", URL: "https://www.spp.gov.cn/spp/gjybs/202611/t20261101_1.shtml",
		Aliases: []string{"https://www.spp.gov.cn/spp/tt/202611/t20261101_1.shtml"},
		Channel: "最高检新闻", ChannelPath: "/spp/gjybs/",
		Title: "标题", Kicker: "引题", Subtitle: "副题",
		PublishedAt: time.Date(2026, 11, 1, 9, 30, 0, 0, cst), ModifiedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, cst),
		Source: "高检网", Author: "甲", Editor: "乙",
		Paragraphs: []string{"一", "二"}, BodyHTML: "<p>一</p><p>二</p>",
		Images: []sppcrawl.Image{{URL: "https://www.spp.gov.cn/a.jpg", Alt: "图",
			Media: sppcrawl.Media{SHA256: "ab", Size: 3, ContentType: "image/jpeg"}}},
		Attachments: []sppcrawl.Attachment{{URL: "https://www.spp.gov.cn/a.pdf", Name: "附件", Media: sppcrawl.Media{Missing: "HTTP 404"}}},
		Cases: []sppcrawl.Case{{Number: "检例第1号", Title: "某案", Keywords: []string{"抗诉"},
			Sections: []sppcrawl.Section{{Heading: "要旨", Paragraphs: []string{"要旨一"}}}}},
		Document:    &sppcrawl.Document{Number: "高检发释字〔2025〕1号"},
		ContentHash: "hash", Version: 3, Seq: 40,
		FirstSeenAt: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC),
		FetchedAt: time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC),
	}
}

// fetchedAgain is the same page extracted again: none of what the store
// adds, times in the site's named zone.
func fetchedAgain() *sppcrawl.Article {
	a := storedArticle()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		sh = time.FixedZone("CST", 8*3600)
	}
	a.PublishedAt, a.ModifiedAt = a.PublishedAt.In(sh), a.ModifiedAt.In(sh)
	a.Aliases = nil
	a.Images = []sppcrawl.Image{{URL: a.Images[0].URL, Alt: a.Images[0].Alt}}
	a.Attachments = []sppcrawl.Attachment{{URL: a.Attachments[0].URL, Name: a.Attachments[0].Name}}
	a.Version, a.Seq = 0, 0
	a.FirstSeenAt, a.UpdatedAt = time.Time{}, time.Time{}
	a.FetchedAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return a
}

func TestRevision(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(a *sppcrawl.Article)
		want   string // the fields named, "" for none
	}{
		{"SamePage", func(a *sppcrawl.Article) {}, ""},
		{"Title", func(a *sppcrawl.Article) { a.Title = "标题（更正）" }, "title"},
		{"Kicker", func(a *sppcrawl.Article) { a.Kicker = "" }, "kicker"},
		{"Subtitle", func(a *sppcrawl.Article) { a.Subtitle = "副题二" }, "subtitle"},
		{"PublishedAt", func(a *sppcrawl.Article) { a.PublishedAt = a.PublishedAt.Add(time.Hour) }, "published_at"},
		{"Source", func(a *sppcrawl.Article) { a.Source = "检察日报（更正）" }, "source"},
		{"Author", func(a *sppcrawl.Article) { a.Author = "丙" }, "author"},
		{"Editor", func(a *sppcrawl.Article) { a.Editor = "丁" }, "editor"},
		{"Paragraphs", func(a *sppcrawl.Article) { a.Paragraphs = append(a.Paragraphs, "三") }, "paragraphs"},
		{"ImageAdded", func(a *sppcrawl.Article) {
			a.Images = append(a.Images, sppcrawl.Image{URL: "https://www.spp.gov.cn/b.jpg"})
		}, "images"},
		{"ImageAlt", func(a *sppcrawl.Article) { a.Images[0].Alt = "新图" }, "images"},
		{"ImageURL", func(a *sppcrawl.Article) { a.Images[0].URL = "https://www.spp.gov.cn/c.jpg" }, "images"},
		{"AttachmentName", func(a *sppcrawl.Article) { a.Attachments[0].Name = "附件（修订）" }, "attachments"},
		{"AttachmentGone", func(a *sppcrawl.Article) { a.Attachments = nil }, "attachments"},
		{"CaseKeyword", func(a *sppcrawl.Article) { a.Cases[0].Keywords = []string{"再审"} }, "cases"},
		{"CaseSection", func(a *sppcrawl.Article) { a.Cases[0].Sections[0].Paragraphs[0] = "要旨二" }, "cases"},
		{"CasesGone", func(a *sppcrawl.Article) { a.Cases = nil }, "cases"},
		{"Document", func(a *sppcrawl.Article) { a.Document = &sppcrawl.Document{Number: "高检发释字〔2025〕2号"} }, "document"},
		{"DocumentGone", func(a *sppcrawl.Article) { a.Document = nil }, "document"},
		{"SourceAndAuthor", func(a *sppcrawl.Article) { a.Source, a.Author = "检察日报", "丙" }, "source, author"},
		// Derived or recorded by the program: never a version by itself.
		{"ID", func(a *sppcrawl.Article) { a.ID = "spp-u1" }, ""},
		{"URL", func(a *sppcrawl.Article) { a.URL = "https://www.spp.gov.cn/spp/zdgz/202611/t20261101_1.shtml" }, ""},
		{"CrossPostChannel", func(a *sppcrawl.Article) { a.Channel, a.ChannelPath = "头条", "/spp/tt/" }, ""},
		{"ModifiedAt", func(a *sppcrawl.Article) { a.ModifiedAt = a.ModifiedAt.Add(time.Hour) }, ""},
		{"Markup", func(a *sppcrawl.Article) { a.BodyHTML = "<p><b>一</b></p><p>二</p>" }, ""},
		{"ContentHash", func(a *sppcrawl.Article) { a.ContentHash = "other" }, ""},
		{"MediaKnown", func(a *sppcrawl.Article) { a.Images[0].Media = sppcrawl.Media{SHA256: "cd", Size: 9} }, ""},
		{"WithdrawnAt", func(a *sppcrawl.Article) { a.WithdrawnAt = time.Now() }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			fetched := fetchedAgain()
			c.change(fetched)
			got := sppcrawl.Revision(storedArticle(), fetched)
			if got.String() != c.want || got.Revised() != (c.want != "") {
				t.Errorf("Revision = %q (revised %v), want %q", got, got.Revised(), c.want)
			}
		})
	}
}

// An archive holds empty lists and headers as null or [] depending on the
// release that wrote them: neither is a change.
func TestRevision_EmptyIsNone(t *testing.T) {
	a := &sppcrawl.Article{Title: "t", Paragraphs: []string{}, Images: []sppcrawl.Image{}, Attachments: []sppcrawl.Attachment{},
		Cases: []sppcrawl.Case{}, Document: &sppcrawl.Document{}}
	b := &sppcrawl.Article{Title: "t"}
	for _, pair := range [][2]*sppcrawl.Article{{a, b}, {b, a}} {
		if c := sppcrawl.Revision(pair[0], pair[1]); c.Revised() {
			t.Errorf("Revision of empty against none = %q", c)
		}
	}
	c1 := sppcrawl.Case{Title: "案", Keywords: []string{}, Sections: []sppcrawl.Section{{Heading: "要旨", Paragraphs: []string{}}}}
	c2 := sppcrawl.Case{Title: "案", Sections: []sppcrawl.Section{{Heading: "要旨"}}}
	if c := sppcrawl.Revision(&sppcrawl.Article{Cases: []sppcrawl.Case{c1}}, &sppcrawl.Article{Cases: []sppcrawl.Case{c2}}); c.Revised() {
		t.Errorf("Revision of a case with empty lists against nil ones = %q", c)
	}
}

// Every field of the export is either one whose change is a version or one
// the program derives: a field added to Article must be put on one side.
func TestVersionFields_CoverTheExport(t *testing.T) {
	derived := []string{"id", "url", "site", "aliases", "channel", "channel_path", "modified_at", "body_html", "content_hash",
		"version", "seq", "first_seen_at", "updated_at", "fetched_at", "withdrawn_at"}
	version := sppcrawl.VersionFields()
	typ := reflect.TypeFor[sppcrawl.Article]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if in, d := slices.Contains(version, name), slices.Contains(derived, name); in == d {
			t.Errorf("export field %q: version field %v, derived %v; want exactly one", name, in, d)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sect, _ := strings.Cut(string(readme), "### What makes a version\n")
	sect, _, _ = strings.Cut(sect, "\n## ")
	for _, name := range append(version, derived...) {
		if !strings.Contains(sect, "`"+name+"`") {
			t.Errorf("README's \"What makes a version\" does not name `%s`", name)
		}
	}
	want := []string{"title", "kicker", "subtitle", "published_at", "source", "author", "editor", "paragraphs",
		"images", "attachments", "cases", "document"}
	if !slices.Equal(version, want) {
		t.Errorf("VersionFields = %v, want %v (README names them)", version, want)
	}
}

// A page fetched again whose 来源 alone was corrected is a new version;
// the same page read from another channel (a cross-post) is not.
func ExampleRevision() {
	stored := &sppcrawl.Article{ID: "spp-1", Channel: "最高检新闻", Title: "标题", Source: "高检网", Paragraphs: []string{"正文。"}}
	corrected := *stored
	corrected.Source = "检察日报（更正）"
	crossPost := *stored
	crossPost.Channel = "头条"
	for _, fetched := range []*sppcrawl.Article{&corrected, &crossPost} {
		c := sppcrawl.Revision(stored, fetched)
		fmt.Printf("new version: %v %q\n", c.Revised(), c)
	}
	// Output:
	// new version: true "source"
	// new version: false ""
}

// What a fetch of a stored article does, decided from the two articles
// alone, as every backend decides it.
func TestRefetched(t *testing.T) {
	withdrawn := storedArticle()
	withdrawn.WithdrawnAt = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		stored  *sppcrawl.Article
		fetched func(*sppcrawl.Article)
		want    sppcrawl.Outcome
	}{
		{"the same page again", storedArticle(), func(*sppcrawl.Article) {}, sppcrawl.Unchanged},
		{"a field corrected", storedArticle(), func(a *sppcrawl.Article) { a.Source = "检察日报（更正）" }, sppcrawl.Updated},
		{"read at another URL", storedArticle(), func(a *sppcrawl.Article) { a.URL = "https://www.spp.gov.cn/spp/zdgz/202611/t20261101_1.shtml" }, sppcrawl.Aliased},
		{"shown again after a withdrawal", withdrawn, func(*sppcrawl.Article) {}, sppcrawl.Restored},
		{"corrected while withdrawn", withdrawn, func(a *sppcrawl.Article) { a.Author = "王某" }, sppcrawl.Updated},
	} {
		f := fetchedAgain()
		c.fetched(f)
		if got := sppcrawl.Refetched(c.stored, f); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
