// Package spp is www.spp.gov.cn, the Supreme People's Procuratorate's site,
// as a sppcrawl.Site: its URL layout (spp-<manuscriptId> ids), the channel
// table, the createPageHTML pager, the homepage whose navigation lists the
// channels, the parsers of its templates (package extract) and the pace it
// is crawled at.
package spp
