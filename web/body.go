package web

import (
	"html/template"

	"sppcrawl"
	"sppcrawl/extract"
)

// safeBody is an article's body as the page shows it: body_html written
// again through the allowlist (extract.RenderBody), images from their
// archived copies.
func safeBody(a *sppcrawl.Article) template.HTML {
	return template.HTML(extract.RenderBody(a))
}
