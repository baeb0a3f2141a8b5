// Package spp is www.spp.gov.cn, the Supreme People's Procuratorate's site,
// as a sppcrawl.Site: its URL layout (spp-<manuscriptId> ids), the channel
// table, the createPageHTML pager, the homepage whose navigation lists the
// channels, the parsers of its templates (package extract) and the pace it
// is crawled at.
//
// # Caveats
//
// The URL layout and the channel table are still also the root package's
// (sppcrawl.SPPURLs, sppcrawl.Channels), where the callers that predate
// Site and extract's parsers read them; this package is the one place that
// names them for the crawler and the command.
package spp
