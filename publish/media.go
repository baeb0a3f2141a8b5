package publish

import (
	"net/http"
	"os"
	"regexp"
	"strings"

	"sppcrawl"
)

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// media: GET /media/{sha256} → the archived file, with its content type;
// immutable (its name is its hash), with Range requests for large
// attachments.
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
	w.Header().Set("Content-Type", info.ContentType)
	w.Header().Set("ETag", `"`+sha+`"`)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", info.FetchedAt, f)
}

// localMedia rewrites the URLs of an article's archived images and
// attachments in its body_html to base + /media/<sha256> (base "" for
// paths relative to this server).
func localMedia(a *sppcrawl.Article, base string) string {
	body := a.BodyHTML
	var pairs []string
	for _, ref := range a.MediaRefs() {
		if ref.SHA256 == "" {
			continue
		}
		var esc strings.Builder
		for _, attr := range []string{`src="`, `href="`} {
			esc.Reset()
			esc.WriteString(attr)
			esc.WriteString(htmlAttrEscape(ref.URL))
			esc.WriteByte('"')
			pairs = append(pairs, esc.String(), attr+base+"/media/"+ref.SHA256+`"`)
		}
	}
	if len(pairs) == 0 {
		return body
	}
	return strings.NewReplacer(pairs...).Replace(body)
}

// htmlAttrEscape escapes as extract writes attribute values.
var htmlAttrEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace
