// Package trs is the local procuratorates' sites of the shared TRS WCM
// platform (www.gd.jcy.gov.cn, www.hbjc.gov.cn, …) as sppcrawl.Sites: one
// Site built from a host, its ids <key>-<docid>, its channels found in the
// home page's navigation, its createPageHTML and countPage pagers, its list
// and detail templates read by the platform's conventions rather than one
// site's markup.
//
// # Caveats
//
// The templates are known from evidence (../shared/sites.md), not from every
// site: a page that matches none is refused with extract.ErrUnknownLayout
// naming the page and what was expected, so that the crawl reports the site
// and keeps the raw page for reextract. A pager's numbering (index_1 or
// index_2 for page 2) is learnt from a channel's first page; until then the
// platform's convention, index_1, is assumed.
package trs
