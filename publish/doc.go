// Package publish hands the archive out: the HTTP API with its feeds, repost
// pages, health and Prometheus metrics, and the export formats (JSON Lines,
// JSON, CSV, Atom, RSS, JSON Feed) for files.
//
// It reads the archive through the root interfaces (Reader, ExportReader),
// whatever backend keeps it, and never writes it. Errors met answering map
// to HTTP statuses in one place, FaultOf, which the web pages use too. It
// is the only package that imports gorilla/feeds, the Prometheus client
// and gzhttp.
//
// # Caveats
//
// body_html is served as trusted HTML: it is safe because extract sanitised it
// against an allowlist. The repost page adds a Content-Security-Policy that
// allows no script, as a second line.
package publish
