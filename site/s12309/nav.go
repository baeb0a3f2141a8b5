package s12309

import (
	"strings"

	"github.com/PuerkitoBio/goquery"

	"sppcrawl"
	"sppcrawl/extract"
)

// ParseNav reads the kinds 法律文书公开's sidebar (ul#fileType
// li[codeId]) lists, after 重要案件信息: a kind of the table by its name,
// another as the folder of its codeId.
func (Site) ParseNav(body []byte, pageURL, contentType string) ([]sppcrawl.Channel, error) {
	doc, _, err := parse(body, contentType, pageURL)
	if err != nil {
		return nil, err
	}
	items := doc.Find("ul#fileType li[codeId]")
	if items.Length() == 0 {
		return nil, pageErr(pageURL, extract.ErrUnknownLayout, "no sidebar of document kinds (ul#fileType li[codeId])")
	}
	out := []sppcrawl.Channel{kinds[0].Channel}
	items.Each(func(_ int, s *goquery.Selection) {
		name := extract.NormalizeText(s.Text())
		if k, ok := kindNamed(name); ok {
			out = append(out, k.Channel)
			return
		}
		id, _ := s.Attr("codeid")
		if id = strings.TrimSpace(id); isCodeID(id) {
			out = append(out, sppcrawl.Channel{Key: id, Name: name, Path: docsPath + id + "/"})
		}
	})
	return out, nil
}

// PageKind says what a page expected to be a list answer is.
func (Site) PageKind(body []byte, contentType string) sppcrawl.PageKind {
	return extract.PageKind(body, contentType)
}
