// Package web is the archive for people with a browser: search, an article
// as the site published it with its versions and their differences, the
// channels' health, the cases and the documents, in Chinese, read-only.
//
// Pages are html/template with their assets embedded in the binary: no
// request leaves for another origin, and no function needs JavaScript (a
// small script adds keyboard jumps between changes). Every page is sent
// under a Content-Security-Policy of its own origin (an image without an
// archived copy is a link to the site's, not a fetch), and an article's
// body is written again through an allowlist of elements and attributes,
// whatever the archive holds.
package web
