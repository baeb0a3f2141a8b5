package publish

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"sppcrawl"
	"sppcrawl/sites"

	"github.com/gorilla/feeds"
)

// feedMeta describes a feed.
type feedMeta struct {
	Channel string // channel path, or "" for all
	Query   string // a saved search's query, or ""
	// Key names the feed's content (channel=…, or a saved search's
	// parameters): its id is made of it, never of the host it was reached
	// by.
	Key     string
	SelfURL string // the feed's own URL, when served
	Hub     string // the WebSub hub's URL, when there is one
	// Sites are the names of the sites the feed is of (none: all); the
	// feed is named after the one it names, else the default site.
	Sites []string
}

// site is the site a feed is named and linked after: the one site it is
// of, else the default (www.spp.gov.cn).
func (m feedMeta) site() sppcrawl.Site {
	if len(m.Sites) == 1 {
		if s, err := sites.Lookup(m.Sites[0]); err == nil {
			return s
		}
	}
	return sites.Default()
}

// feedID is a feed's id: a tag URI (RFC 4151) of its content, the same
// whatever host, scheme or format it is read in, so a reader that reaches
// it by two names sees each entry once.
func feedID(key string) string {
	id := "tag:www.spp.gov.cn,2026:sppcrawl/feed"
	if key != "" {
		id += "?" + key
	}
	return id
}

// selfURL is the URL the client asked for: below --public-url when set
// (the Host header, which a client chooses, then names nothing), else as
// it reached this server.
func (s *Server) selfURL(r *http.Request) string {
	return s.origin(r) + r.URL.RequestURI()
}

// origin is where this server is reached (see Origin).
func (s *Server) origin(r *http.Request) string { return Origin(r, s.public) }

// Origin is where a server is reached: public (serve --public-url) when
// set, else the scheme and host of the request (https behind a proxy that
// terminates TLS and says so).
func Origin(r *http.Request, public string) string {
	if public != "" {
		return strings.TrimRight(public, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// buildFeed turns articles into a gorilla/feeds Feed: canonical link, id =
// canonical URL, author and 来源, full body_html.
func buildFeed(arts []*sppcrawl.Article, m feedMeta) *feeds.Feed {
	site := m.site()
	title := site.Name() + " · 发布"
	link := site.Origin() + "/"
	if m.Channel != "" {
		if c := site.ChannelByPath(m.Channel); c.Name != "" {
			title = site.Name() + " · " + c.Name
		}
		link = site.Origin() + m.Channel
	}
	if m.Query != "" {
		title = site.Name() + " · 搜索：" + xmlText(m.Query)
	}
	f := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: link},
		Description: "Articles of " + site.Host() + ", archived by sppcrawl",
		Author:      &feeds.Author{Name: site.Name()},
		Copyright:   "Copyrights©" + site.Name(),
	}
	f.Id = feedID(m.Key)
	for _, a := range arts {
		// The site's own modification time, unless sppcrawl has seen a
		// correction since: then the time it stored the corrected version.
		updated := a.ModifiedAt
		if updated.IsZero() {
			updated = a.PublishedAt
		}
		if a.Version > 1 && a.UpdatedAt.After(updated) {
			updated = a.UpdatedAt.In(sppcrawl.CST())
		}
		if updated.After(f.Updated) {
			f.Updated = updated
		}
		f.Items = append(f.Items, &feeds.Item{
			Title:       xmlText(a.Title),
			Link:        &feeds.Link{Href: a.URL},
			Id:          a.URL,
			IsPermaLink: "true",
			Author:      &feeds.Author{Name: xmlText(byline(a))},
			Description: xmlText(summary(a)),
			Content:     xmlText(a.BodyHTML),
			Created:     a.PublishedAt,
			Updated:     updated,
		})
	}
	if f.Updated.IsZero() {
		f.Updated = time.Now().In(sppcrawl.CST())
	}
	return f
}

// xmlText drops what XML 1.0 cannot carry (controls but TAB, LF and CR;
// U+FFFE, U+FFFF) and the C1 controls. Extraction drops them already; this
// keeps a feed well-formed for articles stored before it did, whose body may
// sit in a CDATA section where nothing escapes it.
func xmlText(s string) string {
	bad := func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f || r == 0xFFFE || r == 0xFFFF
	}
	if !strings.ContainsFunc(s, bad) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return -1
		}
		return r
	}, s)
}

// byline is 作者 and 来源 as one name: feeds have one author field.
func byline(a *sppcrawl.Article) string {
	var parts []string
	if a.Author != "" {
		parts = append(parts, a.Author)
	}
	if a.Source != "" {
		parts = append(parts, "来源："+a.Source)
	}
	if len(parts) == 0 {
		return sites.Of(a.SiteHost()).Name()
	}
	return strings.Join(parts, " ")
}

// summary is the start of the body, 120 characters at most, for feed readers
// that show a description.
func summary(a *sppcrawl.Article) string {
	const limit = 120
	text := []rune(strings.Join(a.Paragraphs, " "))
	if len(text) <= limit {
		return string(text)
	}
	return string(text[:limit]) + "…"
}

// writeFeed writes atom, rss or jsonfeed. The library's generic Feed has no
// per-item category or publish date, so those are set on its format-specific
// structures before encoding.
func writeFeed(w io.Writer, format string, arts []*sppcrawl.Article, m feedMeta) error {
	f := buildFeed(arts, m)
	switch format {
	case "atom":
		af := (&feeds.Atom{Feed: f}).AtomFeed()
		af.Id = f.Id
		entries := make([]atomEntry, len(af.Entries))
		for i, e := range af.Entries {
			e.Published = arts[i].PublishedAt.Format(time.RFC3339)
			entries[i] = atomEntry{AtomEntry: e, Category: atomCategory{Term: xmlText(arts[i].Channel), Scheme: "https://" + arts[i].SiteHost() + arts[i].ChannelPath}}
		}
		af.Entries = nil
		links := []feeds.AtomLink{}
		if af.Link != nil {
			links = append(links, *af.Link)
		}
		if m.SelfURL != "" {
			links = append(links, feeds.AtomLink{Href: m.SelfURL, Rel: "self"})
		}
		if m.Hub != "" {
			links = append(links, feeds.AtomLink{Href: m.Hub, Rel: "hub"})
		}
		return encodeXML(w, atomFeed{AtomFeed: af, Links: links, Entries: entries})
	case "rss":
		f.Author = nil // RSS wants an e-mail address there, and there is none
		rf := (&feeds.Rss{Feed: f}).RssFeed()
		for i, it := range rf.Items {
			it.Category = xmlText(arts[i].Channel)
		}
		return encodeXML(w, rf.FeedXml())
	case "jsonfeed":
		jf := (&feeds.JSON{Feed: f}).JSONFeed()
		jf.Language = "zh-CN"
		if m.SelfURL != "" {
			jf.FeedUrl = m.SelfURL
		}
		if m.Hub != "" {
			jf.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: m.Hub}}
		}
		for i, it := range jf.Items {
			pub, mod := arts[i].PublishedAt, f.Items[i].Updated
			it.PublishedDate, it.ModifiedDate = &pub, &mod
			it.Tags = []string{arts[i].Channel}
			it.Summary = f.Items[i].Description
		}
		s, err := jf.ToJSON()
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, s+"\n")
		return err
	}
	return fmt.Errorf("unknown feed format %q", format)
}

// atomEntry adds an Atom <category term=…> (the library writes category as
// text, which Atom does not define).
type atomEntry struct {
	*feeds.AtomEntry
	Category atomCategory `xml:"category"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

type atomFeed struct {
	*feeds.AtomFeed
	Links   []feeds.AtomLink `xml:"link"` // the alternate, self and hub links
	Entries []atomEntry      `xml:"entry"`
}

func encodeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
