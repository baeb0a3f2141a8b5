package s12309

import (
	"bytes"
	"cmp"
	"encoding/json"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sppcrawl"
	"sppcrawl/extract"
)

// ParseArticle reads a detail page without what the list said of it: the
// page must hold its text (a failure-log retry, reextract).
func (s Site) ParseArticle(body []byte, pageURL, contentType string) (*sppcrawl.Article, error) {
	return s.ParseListed(body, pageURL, contentType, sppcrawl.ListItem{})
}

// ParseListed reads a detail page of either template (重要案件信息's,
// 法律文书's HTML page, or a PDF viewer), with the record the list service
// answered for it: its text when the page holds none, its publish time
// when the page shows only a day. A page of neither template is refused
// with extract.ErrUnknownLayout saying what was expected.
func (Site) ParseListed(body []byte, pageURL, contentType string, it sppcrawl.ListItem) (*sppcrawl.Article, error) {
	canon, err := layout.CanonicalURL(pageURL)
	if err != nil {
		return nil, err
	}
	id := layout.ArticleID(canon)
	if id == "" {
		return nil, pageErr(canon, extract.ErrNotArticle, "not a detail URL (…/yyyymm/tyyyymmdd_N.shtml)")
	}
	doc, utf8Body, err := parse(body, contentType, canon)
	if err != nil {
		return nil, err
	}
	rec, k := recordOf(it)
	p := readPage(doc, utf8Body, canon)
	title := cmp.Or(p.title, plain(rec.Title), headTitle(doc))
	if title == "" {
		return nil, pageErr(canon, extract.ErrUnknownLayout, "no title (div.detail_tit, h1, meta ArticleTitle, the record's, <title>)")
	}
	a := &sppcrawl.Article{ID: id, URL: canon, Site: Host, Title: title, Aliases: []string{},
		Source: p.fields["来源"], Author: p.fields["作者"], Editor: p.fields["编辑"]}
	p.fill(a, rec)
	if len(a.Paragraphs) == 0 && len(a.Attachments) == 0 {
		return nil, pageErr(canon, extract.ErrEmptyBody, "no text: "+bodyExpectation+", a PDF (/minioweb/) or the record's content")
	}
	if k.Name == "" {
		k = kindOfPage(p, a)
	}
	a.Channel, a.ChannelPath = k.Name, k.Path
	a.PublishedAt = publishedAt(p, rec, canon)
	a.Document = document(a, k, rec)
	a.ContentHash = a.ComputeHash()
	return a, nil
}

// parse decodes a page and reads it as HTML.
func parse(body []byte, contentType, name string) (*goquery.Document, []byte, error) {
	utf8Body, _ := extract.DecodeHTML(body, contentType)
	if t := bytes.TrimLeft(utf8Body, " \t\r\n\f\ufeff"); len(t) == 0 || t[0] != '<' {
		return nil, nil, pageErr(name, extract.ErrUnknownLayout, "not an HTML page")
	}
	doc, err := extract.ParseUTF8(utf8Body, name, extract.ErrUnknownLayout)
	return doc, utf8Body, err
}

// recordOf is the record an item of the list service carries and the kind
// it was listed under; zero when the item is not one (a retry).
func recordOf(it sppcrawl.ListItem) (record, kind) {
	var l listed
	if len(it.Record) == 0 || json.Unmarshal(it.Record, &l) != nil {
		return record{}, kind{}
	}
	r, _, err := decodeHit(l.Hit)
	if err != nil {
		return record{}, kind{}
	}
	k := kindAt(l.Channel)
	if k.Name == "" {
		k.Name = l.Kind
	}
	return r, k
}

// publishedAt is the page's time when it gives the time of day, else the
// record's, else the page's day, else the URL's day, in +08:00.
func publishedAt(p *page, rec record, canon string) time.Time {
	switch t := rec.published(); {
	case !p.date.IsZero() && p.clock:
		return p.date
	case !t.IsZero():
		return t
	case !p.date.IsZero():
		return p.date
	}
	if m := urlDateRE.FindStringSubmatch(canon); m != nil {
		t, _ := parseTime(m[1] + "-" + m[2] + "-" + m[3])
		return t
	}
	return time.Time{}
}
