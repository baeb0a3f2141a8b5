// Package extract turns the bytes of a www.spp.gov.cn page into an sppcrawl.Article or a
// List, and owns the domain types every other package passes around.
//
// Parsing is pure: bytes, a URL and an optional Content-Type go in; an sppcrawl.Article,
// a List or a typed *sppcrawl.PageError come out. Nothing here fetches, stores or logs,
// so the same code runs in the crawler, over stored raw pages and in tests.
//
// # Caveats
//
// Only the templates seen on the live site are supported precisely (the current
// detail_tit/#fontzoom layout, the press-conference wsfbh_detail_con layout and
// the older TRS_Editor / Custom_UnionStyle bodies). Anything else goes through a
// conservative generic fallback that refuses a page rather than guess.
package extract
