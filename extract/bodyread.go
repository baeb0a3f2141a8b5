package extract

import (
	"net/url"

	"sppcrawl"

	"golang.org/x/net/html"
)

// Body is what an article's body container holds, read by the rules of
// every site's bodies: its paragraphs, its sanitised HTML, and its images
// and attachments with absolute URLs.
type Body struct {
	Paragraphs  []string
	HTML        string
	Images      []sppcrawl.Image
	Attachments []sppcrawl.Attachment
}

// ReadBody reads the body container root of a page at pageURL (canonical):
// the parsers of other site families find their container and read it as
// spp.gov.cn's are read, so every site's paragraphs follow one rule.
func ReadBody(root *html.Node, pageURL string) Body {
	base, _ := url.Parse(pageURL)
	san := sanitizer{base: base}
	b := Body{Paragraphs: paragraphs(root, true), HTML: san.render(root)}
	b.Images, b.Attachments = san.images, san.attachments
	return b
}
