// Package crawler fetches www.spp.gov.cn politely and incrementally with colly,
// hands each page to extract and each article to a Sink (the store). It is the
// only package that imports colly.
//
// A run walks each channel's list pages newest first and stops at the first
// page whose items are all stored, so a run with nothing new costs one request
// per channel (a 304 when the site supports conditional GET).
//
// # Caveats
//
// The site answers unknown paths with its homepage (status 200); such pages
// are recognised by extract and recorded as gone, never stored.
package crawler
