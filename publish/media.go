package publish

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"

	"sppcrawl"
)

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// mediaCSP keeps anything an archived file might carry from running on this
// origin, whatever a browser makes of it.
const mediaCSP = "sandbox; default-src 'none'"

// media: GET /media/{sha256} → the archived file; immutable (its name is
// its hash), with Range requests for large attachments. Files come from the
// site and are hostile: a raster image, a PDF or an office document is
// served as its bytes show it to be, anything else (an SVG, an HTML or
// XHTML page, a script) as a download, and all under a sandboxing CSP.
func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	if !shaPattern.MatchString(sha) {
		jsonError(w, http.StatusBadRequest, "want a sha256 in hex (lower case)")
		return
	}
	info, path, err := s.db.Media(r.Context(), sha)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.serverError(w, r, err)
		return
	}
	ct, inline := servedType(info, head[:n])
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", mediaCSP)
	// An attachment followed from its article downloads, under its name;
	// a file reached by its hash alone shows as it did.
	name := s.mediaName(r, sha, info)
	w.Header().Set("Content-Disposition", disposition(inline && name == "", name, siteFileName(info, sha)))
	w.Header().Set("ETag", `"`+sha+`"`)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", info.FetchedAt, f)
}

// mediaName is the name the site gave the file, when the link names the
// article it belongs to (/media/{sha256}?article=spp-…, as the article's
// page links its attachments): read from the archive, never from the
// request. "" when there is none.
func (s *Server) mediaName(r *http.Request, sha string, info sppcrawl.MediaInfo) string {
	id := r.URL.Query().Get("article")
	if !idPattern.MatchString(id) {
		return ""
	}
	st, err := s.db.Get(r.Context(), id)
	if err != nil {
		return ""
	}
	for _, ref := range st.Article.Attachments {
		if ref.SHA256 == sha {
			return fileName(ref.Name, ref.URL, mediaExt(info))
		}
	}
	return ""
}

// siteFileName is the file's name in its URL on the site (P020261120.pdf),
// else its hash with the extension of its type: ASCII either way, the
// name of a file reached without its article.
func siteFileName(info sppcrawl.MediaInfo, sha string) string {
	base := ""
	if u, err := url.Parse(info.URL); err == nil {
		base = fileName(path.Base(u.Path), "", "")
	}
	if base == "" || base == "." || strings.ContainsFunc(base, func(r rune) bool { return r > 0x7e || r == '%' }) {
		return sha + mediaExt(info)
	}
	return base
}

// fileName is a safe file name from an attachment's name on the page: no
// folder, no control or reserved character, 80 characters at most, with
// the extension of its URL when the name has none.
func fileName(name, u, ext string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, ". ")
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	if name == "" {
		return ""
	}
	if ext != "" && !strings.HasSuffix(strings.ToLower(name), ext) {
		name += ext
	}
	return name
}

// disposition is the Content-Disposition of a media file (RFC 6266): a
// download unless inline, under name as UTF-8 (RFC 5987) with an ASCII
// fallback for old clients (the name's ASCII, else the hash's).
func disposition(inline bool, name, fallback string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	if name == "" {
		return kind + `; filename="` + fallback + `"`
	}
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return -1
		}
		return r
	}, name)
	if ascii = strings.TrimSpace(ascii); strings.Trim(ascii, "._- ") == "" || strings.HasPrefix(ascii, ".") {
		ascii = fallback
	}
	return kind + `; filename="` + ascii + `"; filename*=UTF-8''` + extValue(name)
}

// extValue percent-encodes s as an RFC 5987 value: every byte but its
// attr-chars.
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// Raster images and PDFs are served as their bytes sniff; office documents
// (which no browser runs) as the site claimed; everything else is a
// download. An allowlist: whatever is not named here is octet-stream.
var (
	rasterTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/bmp": true}
	officeTypes = map[string]bool{
		"application/msword": true, "application/vnd.ms-excel": true, "application/vnd.ms-powerpoint": true,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
		"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
		"application/wps-office.doc": true, "application/wps-office.docx": true, "application/vnd.ms-works": true,
		"application/kswps": true, "application/ofd": true,
	}
	// Office files are binary (OLE) or zip archives; anything else claiming
	// to be one is not.
	officeSniffs = map[string]bool{"application/octet-stream": true, "application/zip": true}
)

// servedType is the Content-Type a file is served with, and whether it may
// be shown inline rather than downloaded.
func servedType(info sppcrawl.MediaInfo, head []byte) (contentType string, inline bool) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	switch claimed, _, _ := mime.ParseMediaType(strings.ToLower(info.ContentType)); {
	case rasterTypes[sniffed]:
		return sniffed, true
	case sniffed == "application/pdf":
		return sniffed, true
	case officeTypes[claimed] && officeSniffs[sniffed]:
		return claimed, true
	case isSVG(claimed, info.URL, head):
		// Inside <img> an SVG runs no script and fetches nothing, and that
		// is how a page shows it; opened directly it is a download (and
		// sandboxed): it never renders as a document of this origin.
		return "image/svg+xml", false
	}
	return "application/octet-stream", false
}

// isSVG says whether a file is an SVG image: claimed as one or named .svg,
// and its bytes an XML document of an <svg> element.
func isSVG(claimed, u string, head []byte) bool {
	if claimed != "image/svg+xml" && !strings.HasSuffix(strings.ToLower(strings.SplitN(u, "?", 2)[0]), ".svg") {
		return false
	}
	h := strings.ToLower(string(head))
	return strings.Contains(h, "<svg")
}

// localMedia rewrites the URLs of an article's archived images and
// attachments in its body_html to base + /media/<sha256> (base "" for
// paths relative to this server; else an absolute http(s) URL: serve
// --public-url, checked by ParsePublicURL, or the request's origin),
// escaped here like every value written into HTML.
func localMedia(a *sppcrawl.Article, base string) string {
	body := a.BodyHTML
	var pairs []string
	for _, ref := range a.MediaRefs() {
		if ref.SHA256 == "" {
			continue
		}
		for _, attr := range []string{`src="`, `href="`} {
			pairs = append(pairs, attr+htmlAttrEscape(ref.URL)+`"`, attr+htmlAttrEscape(base+"/media/"+ref.SHA256)+`"`)
		}
	}
	if len(pairs) == 0 {
		return body
	}
	return strings.NewReplacer(pairs...).Replace(body)
}

// htmlAttrEscape escapes as extract writes attribute values.
var htmlAttrEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace
