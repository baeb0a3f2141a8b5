package trs

import (
	"mime"
	"regexp"

	"sppcrawl/extract"
)

// utf8Type is the Content-Type of a page decode has turned into UTF-8.
const utf8Type = "text/html; charset=utf-8"

// metaCharsetRE finds a charset a page declares, <meta charset> or
// http-equiv alike.
var metaCharsetRE = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// metaScan is how far into a page the platform's pages declare their
// charset (a crawler of 16 of its sites read the first 4,000 bytes).
const metaScan = 4000

// decode is body as UTF-8 by the platform's order: the charset the page
// declares, else the HTTP header's, else GB2312 (read as its superset
// GB18030), the platform's default. A byte-order mark outranks all three:
// extract.DecodeHTML reads it first, whatever label it is given.
func decode(body []byte, contentType string) []byte {
	head := body[:min(len(body), metaScan)]
	label := "gb18030"
	if m := metaCharsetRE.FindSubmatch(head); m != nil {
		label = string(m[1])
	} else if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		label = params["charset"]
	}
	out, _ := extract.DecodeHTML(body, "text/html; charset="+label)
	return out
}
