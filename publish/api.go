package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sppcrawl"
	"sppcrawl/search"
	"sppcrawl/sites"
)

// articles: GET /api/articles?since=SEQ&limit=N[&site=S] → {"articles":[…],"next_since":SEQ}.
// Articles come in seq order; an updated article comes again at its new seq.
// A record that does not decode is left out and named in "skipped" (and the
// X-Sppcrawl-Skipped header): every other article is served. With site=,
// only the articles of those sites, next_since passing over the others.
func (s *Server) articles(w http.ResponseWriter, r *http.Request) {
	since, limit, ok := pageParams(w, r)
	if !ok {
		return
	}
	sites, err := search.ParseSites(r.URL.Query()["site"]...)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	gen, err := s.db.Generation(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	tag := fmt.Sprintf("g%d-s%d-l%d", gen, since, limit)
	if len(sites) > 0 {
		tag += "-site=" + sites.String()
	}
	if NotModified(w, r, tag) {
		return
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if len(sites) > 0 {
		s.articlesOfSites(w, r, ExportOptions{Filter: Filter{AfterSeq: since, Sites: sites}, Limit: int(limit)})
		return
	}
	if acceptsGzip(r) {
		s.articlesGzip(w, r, since, limit)
		return
	}
	items, next, err := s.db.SinceJSON(r.Context(), since, int(limit))
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	size := 64
	for _, it := range items {
		size += len(it) + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.WriteString(`{"articles":[`)
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(it)
	}
	buf.WriteString(pageTail(next, skipped))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	markSkipped(w, skipped)
	w.Write(buf.Bytes())
}

// articlesOfSites answers a page of the articles of some sites: the
// stored JSON of each, read by the exports' filter, so that the page
// holds limit of them (fewer only at the end of the log).
func (s *Server) articlesOfSites(w http.ResponseWriter, r *http.Request, o ExportOptions) {
	var buf bytes.Buffer
	buf.WriteString(`{"articles":[`)
	next, err := eachListed(r.Context(), s.db, o, func(j []byte) error {
		if buf.Len() > len(`{"articles":[`) {
			buf.WriteByte(',')
		}
		buf.Write(j)
		return nil
	})
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	buf.WriteString(pageTail(next, skipped))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	markSkipped(w, skipped)
	if acceptsGzip(r) {
		writeGzip(w, gzipOf(buf.Bytes()))
		return
	}
	w.Write(buf.Bytes())
}

// articlesGzip answers a page of articles in gzip, spliced (see splice.go).
func (s *Server) articlesGzip(w http.ResponseWriter, r *http.Request, since, limit uint64) {
	g := newGzipMember()
	defer g.release()
	g.add(openPiece())
	next, err := s.chunks.each(r.Context(), since, int(limit), func(c sppcrawl.Chunk) error {
		if g.n > 1 {
			g.add(commaPiece())
		}
		g.add(c)
		return nil
	})
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	g.add(piece(pageTail(next, skipped)))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	markSkipped(w, skipped)
	writeGzip(w, g.finish())
}

// pageTail ends a page of articles: the cursor, and the records skipped.
func pageTail(next uint64, skipped []sppcrawl.SkippedRecord) string {
	tail := `],"next_since":` + strconv.FormatUint(next, 10)
	if len(skipped) > 0 {
		keys, _ := json.Marshal(skippedKeys(skipped))
		tail += `,"skipped":` + string(keys)
	}
	return tail + "}\n"
}

func skippedKeys(skipped []sppcrawl.SkippedRecord) []string {
	out := make([]string, len(skipped))
	for i, r := range skipped {
		out[i] = r.Key
	}
	return out
}

// markSkipped says in a header that an answer left records out.
func markSkipped(w http.ResponseWriter, skipped []sppcrawl.SkippedRecord) {
	if len(skipped) > 0 {
		w.Header().Set("X-Sppcrawl-Skipped", fmt.Sprintf("%d records do not decode and were left out: %s", len(skipped), sppcrawl.Clip(strings.Join(skippedKeys(skipped), ", "), 200)))
	}
}

// article: GET /api/articles/{id}. In gzip its stored chunk is spliced into
// a gzip member (no inflating, no compressing); its ETag is its seq and CRC,
// which any change of the article changes.
func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	seq, c, err := s.chunks.get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if NotModified(w, r, fmt.Sprintf("a%d-%08x", seq, c.CRC)) {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if acceptsGzip(r) {
		g := newGzipMember()
		defer g.release()
		g.add(c)
		g.add(newline())
		writeGzip(w, g.finish())
		return
	}
	b, err := s.db.GetJSON(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Write(append(b, '\n'))
}

// repostCSP allows no script at all: the page is text, images and inline
// alignment.
const repostCSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'"

var repostTmpl = template.Must(template.New("repost").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.A.Title}}</title>
<link rel="canonical" href="{{.A.URL}}">
</head>
<body>
<article class="spp-repost">
{{- if not .A.WithdrawnAt.IsZero}}
<p class="withdrawn"><strong>此文已被原发布网站撤下</strong>（{{.Withdrawn}}发现原文链接已失效）。This article was withdrawn by {{.Host}}.</p>
{{- end}}
<header>
{{- if .A.Kicker}}
<p class="kicker">{{.A.Kicker}}</p>
{{- end}}
<h1>{{.A.Title}}</h1>
{{- if .A.Subtitle}}
<p class="subtitle">{{.A.Subtitle}}</p>
{{- end}}
<p class="meta">发布时间：{{.Published}}{{if .A.Source}}　来源：{{.A.Source}}{{end}}{{if .A.Author}}　作者：{{.A.Author}}{{end}}</p>
</header>
{{.Body}}
<footer>
{{- if .A.Editor}}
<p class="editor">[责任编辑：{{.A.Editor}}]</p>
{{- end}}
<p class="source-link">原文链接：<a href="{{.A.URL}}">{{.A.URL}}</a></p>
</footer>
</article>
</body>
</html>
`))

// renderRepost is the ready-to-paste page of an article: the title block,
// 发布时间, 来源, the body and the 原文链接 footer.
// With mediaBase set (to "" or a public URL, see Options.PublicURL), the
// archived images and attachments are linked as copies on this server.
func renderRepost(a *sppcrawl.Article, local bool, mediaBase string) ([]byte, error) {
	body := a.BodyHTML
	if local {
		body = localMedia(a, mediaBase)
	}
	var buf bytes.Buffer
	err := repostTmpl.Execute(&buf, map[string]any{
		"A":         a,
		"Published": a.PublishedAt.In(sppcrawl.CST()).Format("2006-01-02 15:04"),
		"Withdrawn": a.WithdrawnAt.In(sppcrawl.CST()).Format("2006-01-02 15:04"),
		"Host":      a.SiteHost(),
		// body_html was sanitised by extract against an allowlist.
		"Body": template.HTML(body),
	})
	return buf.Bytes(), err
}

func (s *Server) repost(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	st, err := s.db.Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var local bool
	switch m := r.URL.Query().Get("media"); m {
	case "local":
		local = true
	case "", "site":
	default:
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("media=%q: want local (copies on this server) or site", sppcrawl.Clip(m, 200)))
		return
	}
	// Absolute: pasted into another site, a root-relative /media/… breaks.
	page, err := renderRepost(st.Article, local, s.origin(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", repostCSP)
	if NotModified(w, r, ETagOf(page)) {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

var feedTypes = map[string]string{
	"atom":     "application/atom+xml; charset=utf-8",
	"rss":      "application/rss+xml; charset=utf-8",
	"jsonfeed": "application/feed+json; charset=utf-8",
}

func (s *Server) feed(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("q") {
			s.searchFeed(w, r, format)
			return
		}
		f, err := s.feedFilter(r.Context(), r.URL.Query())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		gen, err := s.db.Generation(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		tag := fmt.Sprintf("g%d-%s-%s", gen, format, f.Channel)
		if len(f.Sites) > 0 {
			tag += "-site=" + f.Sites.String()
		}
		if NotModified(w, r, tag) {
			return
		}
		self := s.selfURL(r)
		s.hubLinks(w, r, self)
		a, err := s.answers.get(r.Context(), tag+" "+self, func(ctx context.Context) (*answer, error) {
			return s.channelFeed(ctx, format, f, feedMeta{Channel: f.Channel, SelfURL: self, Hub: s.hubURL(self), Sites: f.Sites})
		})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		a.write(w, r)
	}
}

// feedFilter is what a feed's channel= and site= select.
func (s *Server) feedFilter(ctx context.Context, q url.Values) (Filter, error) {
	sites, err := search.ParseSites(q["site"]...)
	if err != nil {
		return Filter{}, err
	}
	c, err := s.feedChannel(ctx, q)
	return Filter{Channel: c, Sites: sites}, err
}

// feedChannel is the channel path a feed's channel= names ("" for none).
func (s *Server) feedChannel(ctx context.Context, q url.Values) (string, error) {
	c := q.Get("channel")
	if c == "" {
		return "", nil
	}
	m, err := s.db.SiteMap(ctx)
	if err != nil {
		return "", fmt.Errorf("read the site map: %w", err)
	}
	def := sites.Default()
	ch, err := sites.SelectChannels(def, c, append(m.AllOf(def.Channels()), sites.Tables()...)...)
	if err != nil || len(ch) != 1 {
		return "", requestError(fmt.Sprintf("channel %q: want a key such as jczdal (see sppcrawl channels)", sppcrawl.Clip(c, 200)))
	}
	return ch[0].Path, nil
}

// channelFeed renders the feed of the newest articles (of a channel, of
// sites).
func (s *Server) channelFeed(ctx context.Context, format string, f Filter, m feedMeta) (*answer, error) {
	m.Key = f.feedKey()
	arts, err := latest(ctx, s.db, feedItems, f)
	skipped, err := sppcrawl.Partial(err)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = writeFeed(&buf, format, arts, m)
	return &answer{contentType: feedTypes[format], skipped: skipped, plain: buf.Bytes()}, err
}

// versions: GET /api/articles/{id}/versions → every version (see History).
func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	h, err := s.db.History(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := marshalNoEscape(h)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sendJSON(w, r, b)
}

// version: GET /api/articles/{id}/versions/{n} → that version's article.
func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	id, ok := s.articleID(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("version %q: want a number from 1", sppcrawl.Clip(r.PathValue("n"), 200)))
		return
	}
	h, err := s.db.History(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := h.Version(n)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sendJSON(w, r, b)
}

// sendJSON answers b with an ETag of its bytes.
func (s *Server) sendJSON(w http.ResponseWriter, r *http.Request, b []byte) {
	if NotModified(w, r, ETagOf(b)) {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(b, '\n'))
}
