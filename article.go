package sppcrawl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Article is one published page of the site, as downstream sites repost it.
// The JSON names are a public contract (README "Export schema"): fields are
// added, never renamed or removed.
type Article struct {
	ID          string       `json:"id"`
	URL         string       `json:"url"`
	Site        string       `json:"site,omitempty"` // a local site's host; absent: www.spp.gov.cn, exported as ever
	Aliases     []string     `json:"aliases"`
	Channel     string       `json:"channel"`
	ChannelPath string       `json:"channel_path"`
	Title       string       `json:"title"`
	Kicker      string       `json:"kicker"`
	Subtitle    string       `json:"subtitle"`
	PublishedAt time.Time    `json:"published_at"`
	ModifiedAt  time.Time    `json:"modified_at,omitzero"`
	Source      string       `json:"source"`
	Author      string       `json:"author"`
	Editor      string       `json:"editor"`
	Paragraphs  []string     `json:"paragraphs"`
	BodyHTML    string       `json:"body_html"`
	Images      []Image      `json:"images"`
	Attachments []Attachment `json:"attachments"`
	ContentHash string       `json:"content_hash"`
	// Cases are the guiding or typical cases the body holds, Document what
	// the header of a judicial interpretation or normative document states;
	// both derived from the paragraphs, absent when the body has none.
	Cases    []Case    `json:"cases,omitempty"`
	Document *Document `json:"document,omitempty"`

	// Set by the store; zero (and omitted) straight out of extraction.
	Version     int       `json:"version,omitzero"`
	Seq         uint64    `json:"seq,omitzero"`
	FirstSeenAt time.Time `json:"first_seen_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	FetchedAt   time.Time `json:"fetched_at,omitzero"`
	// WithdrawnAt is when the site was found to have withdrawn the article
	// (its URL answered gone in two runs); zero, and absent, otherwise.
	WithdrawnAt time.Time `json:"withdrawn_at,omitzero"`
}

// Image is an image of the body, with an absolute URL.
type Image struct {
	URL string `json:"url"`
	Alt string `json:"alt"`
	Media
}

// Attachment is a linked document (pdf, doc, …) of the body.
type Attachment struct {
	URL  string `json:"url"`
	Name string `json:"name"`
	Media
}

// Media is what the archive knows of an image's or attachment's file once
// the crawler fetched it (sha256, size, content type: the file is archived),
// or why it could not (missing); all absent until then.
type Media struct {
	SHA256      string `json:"sha256,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Missing     string `json:"missing,omitempty"`
}

// MediaRef is an image or attachment of an article.
type MediaRef struct {
	URL   string
	Image bool // else an attachment
	*Media
}

// MediaRefs lists the article's images and attachments that are files on
// the article's own site (see onSite), with a pointer to their Media for filling in.
func (a *Article) MediaRefs() []MediaRef {
	var out []MediaRef
	for i := range a.Images {
		if onSite(a.Images[i].URL, a.URL) {
			out = append(out, MediaRef{URL: a.Images[i].URL, Image: true, Media: &a.Images[i].Media})
		}
	}
	for i := range a.Attachments {
		if onSite(a.Attachments[i].URL, a.URL) {
			out = append(out, MediaRef{URL: a.Attachments[i].URL, Media: &a.Attachments[i].Media})
		}
	}
	return out
}

// ComputeHash is the content hash: sha256 over the normalised title, kicker,
// subtitle and paragraphs, so markup-only changes are not edits.
func (a *Article) ComputeHash() string {
	h := sha256.New()
	var buf [4096]byte // strings are copied through it: no allocation per paragraph
	write := func(s string, sep byte) {
		for len(s) > 0 {
			n := copy(buf[:], s)
			h.Write(buf[:n])
			s = s[n:]
		}
		buf[0] = sep
		h.Write(buf[:1])
	}
	write(a.Title, 0)
	write(a.Kicker, 0)
	write(a.Subtitle, 0)
	for _, p := range a.Paragraphs {
		write(p, 1)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Case is one case of a page of guiding cases (指导性案例) or typical cases
// (典型案例): its number, title, keywords and sections, as printed.
type Case struct {
	Number   string    `json:"number"` // 检例第257号; "" for a case without one (typical cases)
	Title    string    `json:"title"`
	Keywords []string  `json:"keywords"`
	Sections []Section `json:"sections"`
}

// Section is a part of a case under a heading in full-width brackets
// (【基本案情】), the heading without its brackets.
type Section struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs"`
}

// Document is what the header of a judicial interpretation or normative
// document states: its number (文号) and when and by whom it was adopted,
// and from when it applies; "" for what the page does not state.
type Document struct {
	Number    string `json:"number"`     // 高检发释字〔2025〕1号
	Adopted   string `json:"adopted"`    // 2025-02-18
	AdoptedBy string `json:"adopted_by"` // 最高人民检察院第十四届检察委员会第五十次会议
	Effective string `json:"effective"`  // 2025-03-15
	// A case document's (12309's 法律文书 and 重要案件信息): its kind
	// (起诉书 …), the procuratorate that issued it, its region and the
	// date it was signed (the text's last YYYY年M月D日), beside the page's
	// publish date; absent on other pages.
	Kind          string `json:"kind,omitempty"`          // 起诉书
	Procuratorate string `json:"procuratorate,omitempty"` // 黑龙江省七台河市新兴区人民检察院
	Region        string `json:"region,omitempty"`        // /gj/hlj/qth
	Signed        string `json:"signed,omitempty"`        // 2024-09-10
}

// RawPage is a fetched page as it came off the wire, kept so extraction can be
// re-run offline.
type RawPage struct {
	URL          string    `json:"url"` // canonical URL of the page
	Status       int       `json:"status"`
	ContentType  string    `json:"content_type,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	Body         []byte    `json:"-"`
	// Listed is the list service's record the page was read with (see
	// ListedParser), so that reading the page again reads what the crawl
	// read; absent for a page read alone.
	Listed json.RawMessage `json:"listed,omitempty"`
}
