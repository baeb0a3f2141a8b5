// Package crawler fetches a site (Config.Site, www.spp.gov.cn by default)
// politely and incrementally with colly, hands each page to the site's
// parsers and each article to the archive. It is the only package that
// imports colly, and it names no host: the Site does.
//
// A run walks each channel's list pages newest first and stops at the first
// page whose items are all stored, so a run with nothing new costs robots.txt,
// one request per channel (a 304 when the site supports conditional GET) and
// the re-verification of Config.Recheck stored articles (10 from the command
// line).
//
// The archive is reached through the role interfaces of package sppcrawl
// (ArticleStore for the walk and fetch, CrawlLog for the ledger and failure
// log, RecheckStore for re-verification, MediaStore for images and
// attachments), not through store's concrete type: each part of a run names
// what it uses, the crawler does not link bbolt, and a test can stand in for
// one role. Archive is all four, as *store.DB is.
//
// # Caveats
//
// The site answers unknown paths with its homepage (status 200); such pages
// are recognised by extract and recorded as gone, never stored.
package crawler
