// Package extract turns the bytes of a www.spp.gov.cn page into the domain's
// Article (package sppcrawl) or a List of a channel's page.
//
// Parsing is pure: bytes, a URL and an optional Content-Type go in; an Article,
// a List or a typed *sppcrawl.PageError come out. Nothing here fetches, stores,
// reads files or logs, so the same code runs in the crawler, over stored raw
// pages and in tests. It is the only package that imports goquery and the
// x/text encodings.
//
// # Caveats
//
// Only the templates seen on the live site are supported precisely (the current
// detail_tit/#fontzoom layout, the press-conference wsfbh_detail_con layout and
// the older TRS_Editor / Custom_UnionStyle bodies). Anything else goes through a
// conservative generic fallback that refuses a page rather than guess.
package extract
