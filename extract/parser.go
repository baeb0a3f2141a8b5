package extract

import (
	"sppcrawl"
)

// Parser reads the pages of the spp.gov.cn template family on the site of
// a URL layout: the URLs of its pages are canonicalised, its ids named and
// its pagers' pages addressed by the layout, so that a site of the same TRS
// templates on another host reads as spp.gov.cn does (site/spp holds
// spp.gov.cn's own).
type Parser struct {
	URLs sppcrawl.Layout
	// Table is the site's channel table, which names the channels of the
	// navigation it holds; nil: each is named after its folder.
	Table []sppcrawl.Channel
}

// channelByPath is the table's channel at p, or one named after its last
// folder (its Name then comes from the page).
func (pr Parser) channelByPath(p string) sppcrawl.Channel { return sppcrawl.ChannelIn(pr.Table, p) }
