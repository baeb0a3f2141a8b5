package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gocolly/colly/v2"

	"sppcrawl"
)

// Images and attachments of the site (www.spp.gov.cn only, through the
// origin as pages are) are archived with their articles: after the run's
// news, with the crawl's politeness (pacer, robots.txt, retries, the final
// pass). Each URL is fetched once, for every article that uses it. A file
// that cannot be archived (404, an HTML page where an image was expected,
// over the size cap) is recorded on the articles as missing; the articles
// themselves are unaffected.

// MediaMode says which files of stored articles a run archives.
type MediaMode int

// Media modes.
const (
	MediaNone   MediaMode = iota // the Config's zero value; the CLI's default is all
	MediaImages                  // body images only
	MediaAll                     // images and attachments
)

// wants reports whether the mode archives a file of this kind.
func (m MediaMode) wants(image bool) bool { return m == MediaAll || m == MediaImages && image }

// wantMedia notes, for after the news, the files of an article just stored
// that the archive does not hold yet (it fills in those it does).
func (r *run) wantMedia(id, channel string) {
	if r.c.cfg.Media == MediaNone {
		return
	}
	todo, err := r.c.media.PendingMedia(r.ctx, id)
	if err != nil {
		r.fail(err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range todo {
		m.Channel = channel
		r.media = append(r.media, m)
	}
}

// fetchMedia queues the files the run collected (or was given), and in a
// crawl every file the archive holds due (what a killed or failed run left):
// each URL once, for all the articles that use it.
func (r *run) fetchMedia() {
	r.mu.Lock()
	todo := r.media
	r.media = nil
	r.mu.Unlock()
	if r.crawl && r.c.cfg.Media != MediaNone && !r.stopped() && r.phaseLease("media") {
		due, err := r.c.media.DueMedia(r.ctx)
		if err != nil {
			r.fail(err)
			return
		}
		todo = append(todo, due...)
	}
	var order []string
	byURL := map[string]*reqInfo{}
	for _, m := range todo {
		if !r.c.cfg.Media.wants(m.Image) {
			continue
		}
		in := byURL[m.URL]
		if in == nil {
			in = &reqInfo{kind: kindMedia, channel: m.Channel, url: m.URL, image: m.Image}
			byURL[m.URL] = in
			order = append(order, m.URL)
		}
		if !strings.Contains(" "+strings.Join(in.ids, " ")+" ", " "+m.ID+" ") {
			in.ids = append(in.ids, m.ID)
		}
	}
	for _, u := range order {
		if r.stopped() {
			return
		}
		in := byURL[u]
		if !r.robots.allowed(u) {
			r.mediaMissing(in, "robots.txt disallows it", true)
			continue
		}
		if !r.claim(u) {
			continue
		}
		if err := r.request(u, in, nil); err != nil {
			r.mediaMissing(in, err.Error(), true)
		}
	}
}

// mediaFile handles the answer for an image or attachment.
func (r *run) mediaFile(resp *colly.Response) (retried bool) {
	in := infoOf(resp.Ctx)
	status, ct := resp.StatusCode, resp.Headers.Get("Content-Type")
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		after := retryAfter(resp.Headers, r.c.cfg.Now())
		if r.retry(resp.Request, after) {
			return true
		}
		r.transient(resp.Request, in.url, status, fmt.Errorf("HTTP %d", status), after)
		return false
	case status < 200 || status > 299:
		r.mediaMissing(in, fmt.Sprintf("HTTP %d", status), true)
		return false
	}
	if why := r.refuseMedia(in, resp.Body, ct); why != "" {
		r.mediaMissing(in, why, true)
		return false
	}
	_, isNew, err := r.c.media.PutMedia(r.ctx, in.ids, in.url, resp.Body, resp.Headers.Get("Content-Type"), r.c.cfg.Now())
	if err != nil {
		r.fail(err)
		return false
	}
	r.mu.Lock()
	r.sum.Media++
	if isNew {
		r.sum.MediaFiles++
	}
	r.mu.Unlock()
	r.recovered(in)
	return false
}

// refuseMedia says why an answer is not the file asked for ("" when it is).
func (r *run) refuseMedia(in *reqInfo, body []byte, ct string) string {
	limit, what := r.c.cfg.MaxAttachment, "--max-attachment"
	if in.image {
		limit, what = r.c.cfg.MaxImage, "--max-image"
	}
	if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		ct = http.DetectContentType(body)
	}
	switch {
	case len(body) > limit:
		return fmt.Sprintf("larger than %s (%d bytes)", what, limit)
	case strings.HasPrefix(strings.ToLower(ct), "text/html"):
		return fmt.Sprintf("the site answered an HTML page (%s), not the file: its answer to unknown paths", ct)
	case in.image && !strings.HasPrefix(strings.ToLower(ct), "image/"):
		return fmt.Sprintf("not an image: Content-Type %q", ct)
	}
	return ""
}

// mediaMissing records on every article that uses a file why it could not
// be archived, when the answer is final (permanent); a transient failure
// (5xx after the final pass, a stopping run) leaves the file due for the
// next run.
func (r *run) mediaMissing(in *reqInfo, reason string, permanent bool) {
	for _, id := range in.ids {
		if !permanent {
			break
		}
		if err := r.c.media.RecordMediaMissing(r.ctx, id, in.url, reason); err != nil {
			r.fail(err)
			return
		}
	}
	r.mu.Lock()
	r.sum.MediaMissing++
	r.mu.Unlock()
	if !permanent {
		r.c.log.Warn("media not archived: due again next run", "url", in.url, "articles", strings.Join(in.ids, ","), "why", reason)
		return
	}
	r.c.log.Warn("media not archived", "url", in.url, "articles", strings.Join(in.ids, ","), "why", reason)
}

// RunMedia archives what is missing of the media of stored articles (of one
// channel path, or all): the way existing archives get their files. It uses
// the crawl's politeness and the final pass, and records no crawl run.
func (c *Crawler) RunMedia(ctx context.Context, channel string) (sppcrawl.RunSummary, error) {
	todo, err := c.media.MissingMedia(ctx, channel)
	if err != nil {
		return sppcrawl.RunSummary{}, err
	}
	return c.archiveMedia(ctx, todo)
}

// archiveMedia fetches and archives the files of todo that the mode asks for.
func (c *Crawler) archiveMedia(ctx context.Context, todo []sppcrawl.MediaTodo) (sppcrawl.RunSummary, error) {
	r, err := c.newRun(ctx)
	defer r.abort()
	if err != nil {
		r.close(err)
		return r.sum, err
	}
	r.media = todo
	r.walk(ctx)
	err = r.stopErr()
	r.close(err)
	return r.sum, err
}
