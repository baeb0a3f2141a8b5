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
// (its page named in the failure log). What a Site learns lives in memory,
// per process: a pager's numbering (index_1 or index_2 for page 2), from a
// channel's first page, the platform's index_1 until then; the extension of
// the site's pages (index.shtml or index.html), from the home page's links,
// the pages read and the archive's first article (crawl teaches it), the
// platform's shtml until then.
package trs
