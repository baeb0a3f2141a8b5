package s12309

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"sppcrawl"
	"sppcrawl/extract/pdftext"
)

// TextFiles names the PDFs of a detail page that only embeds them (a PDF
// viewer, no body container with text): its text is theirs. A page
// holding its text names none.
func (Site) TextFiles(a *sppcrawl.Article, page []byte) []string {
	if !bytes.Contains(page, []byte("/minioweb/")) {
		return nil // pdfRE finds nothing: no second parse of every page
	}
	doc, utf8Body, err := parse(page, "text/html", a.URL)
	if err != nil {
		return nil
	}
	p := readPage(doc, utf8Body, a.URL)
	if p.box != nil {
		return nil
	}
	return p.pdfs
}

// ReadFiles sets the article's paragraphs to the text layers of its PDFs,
// in the page's order, re-flowed (pdftext); the document's fields are then
// read from that text, as for a page's. A PDF without text (a scan) or one
// that cannot be read is a warning naming it; when none gives text the
// article keeps the record's content.
func (Site) ReadFiles(a *sppcrawl.Article, files map[string][]byte) []error {
	var paras []string
	var warns []error
	for _, at := range a.Attachments {
		b, ok := files[at.URL]
		if !ok {
			continue
		}
		ps, err := pdftext.Read(b)
		if err != nil {
			warns = append(warns, fmt.Errorf("read text of %s: %w", at.URL, err))
			continue
		}
		paras = append(paras, ps...)
	}
	if len(paras) == 0 {
		return warns
	}
	a.Paragraphs, a.BodyHTML = paras, paragraphsHTML(paras)
	// The region and kind are the record's and the page's, not the text's.
	prev := a.Document
	a.Document = document(a, kind{Channel: sppcrawl.Channel{Name: a.Channel, Path: a.ChannelPath}}, record{})
	if prev != nil {
		a.Document.Kind, a.Document.Region = prev.Kind, prev.Region
	}
	a.ContentHash = a.ComputeHash()
	return warns
}

// paragraphsHTML is the body of text paragraphs, as contentBody writes it.
func paragraphsHTML(paras []string) string {
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	return b.String()
}
