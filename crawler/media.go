package crawler

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"sppcrawl/extract"
)

// Images and attachments of the site (www.spp.gov.cn only, through the
// origin as pages are) are archived with their articles: after the run's
// news, with the crawl's politeness (pacer, robots.txt, retries, the final
// pass). A file that cannot be archived (404, an HTML page where an image
// was expected, over the size cap) is recorded on the article as missing;
// the article itself is unaffected.

// MediaMode says which files of stored articles a run archives.
type MediaMode int

// Media modes.
const (
	MediaNone   MediaMode = iota // the Config's zero value; the CLI's default is all
	MediaImages                  // body images only
	MediaAll                     // images and attachments
)

// ParseMediaMode reads --media.
func ParseMediaMode(s string) (MediaMode, error) {
	switch s {
	case "all":
		return MediaAll, nil
	case "images":
		return MediaImages, nil
	case "none":
		return MediaNone, nil
	}
	return 0, fmt.Errorf("%w: --media %q: want all, images or none", ErrUsage, s)
}

const (
	kindMedia = "media"
	ctxID     = "id"
	ctxURL    = "url"
	ctxImage  = "image"
)

// MediaSink is what archiving media needs of the archive.
type MediaSink interface {
	PutMedia(ctx context.Context, id, url string, body []byte, contentType string, fetched time.Time) (string, error)
	MediaMissing(ctx context.Context, id, url, reason string) error
	MissingMedia(ctx context.Context, channel string) ([]extract.MediaTodo, error)
}

// wantMedia notes, for after the news, the files of an article just stored
// that the archive does not hold yet (it fills in those it does).
func (r *run) wantMedia(id, channel string) {
	mode := r.c.cfg.Media
	if mode == MediaNone {
		return
	}
	todo, err := r.c.sink.PendingMedia(r.ctx, id)
	if err != nil {
		r.fail(err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range todo {
		if m.Image || mode == MediaAll {
			m.Channel = channel
			r.media = append(r.media, m)
		}
	}
}

// fetchMedia queues the files the run collected (or was given).
func (r *run) fetchMedia() {
	r.mu.Lock()
	todo := r.media
	r.media = nil
	r.mu.Unlock()
	seen := map[string]bool{}
	for _, m := range todo {
		if r.stopped() {
			return
		}
		if seen[m.ID+" "+m.URL] {
			continue
		}
		seen[m.ID+" "+m.URL] = true
		if !r.robots.allowed(m.URL) {
			r.mediaMissing(m.ID, m.URL, "robots.txt disallows it")
			continue
		}
		ctx := colly.NewContext()
		ctx.Put(ctxKind, kindMedia)
		ctx.Put(ctxChannel, m.Channel)
		ctx.Put(ctxID, m.ID)
		ctx.Put(ctxURL, m.URL)
		ctx.Put(ctxImage, m.Image)
		r.detailsQueued.Add(1)
		r.slots <- struct{}{}
		if err := r.col.Request(http.MethodGet, m.URL, nil, ctx, nil); err != nil {
			r.detailFinished()
			r.mediaMissing(m.ID, m.URL, err.Error())
		}
	}
}

// mediaFile handles the answer for an image or attachment.
func (r *run) mediaFile(resp *colly.Response) (retried bool) {
	ctx := resp.Ctx
	id, u := ctx.Get(ctxID), ctx.Get(ctxURL)
	image, _ := ctx.GetAny(ctxImage).(bool)
	status, ct := resp.StatusCode, resp.Headers.Get("Content-Type")
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		after := retryAfter(resp.Headers, r.c.cfg.Now())
		if r.retry(resp.Request, after) {
			return true
		}
		r.transient(resp.Request, u, status, fmt.Errorf("HTTP %d", status), after)
		return false
	case status < 200 || status > 299:
		r.mediaMissing(id, u, fmt.Sprintf("HTTP %d", status))
		return false
	}
	limit, what := r.c.cfg.MaxAttachment, "--max-attachment"
	if image {
		limit, what = r.c.cfg.MaxImage, "--max-image"
	}
	if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		ct = http.DetectContentType(resp.Body)
	}
	switch {
	case len(resp.Body) > limit:
		r.mediaMissing(id, u, fmt.Sprintf("larger than %s (%d bytes)", what, limit))
	case strings.HasPrefix(strings.ToLower(ct), "text/html"):
		r.mediaMissing(id, u, fmt.Sprintf("the site answered an HTML page (%s), not the file: its answer to unknown paths", ct))
	case image && !strings.HasPrefix(strings.ToLower(ct), "image/"):
		r.mediaMissing(id, u, fmt.Sprintf("not an image: Content-Type %q", ct))
	default:
		if _, err := r.c.sink.PutMedia(r.ctx, id, u, resp.Body, ct, r.c.cfg.Now()); err != nil {
			r.fail(err)
			return false
		}
		r.mu.Lock()
		r.sum.Media++
		r.mu.Unlock()
		r.recovered(ctx)
	}
	return false
}

// mediaMissing records why a file could not be archived.
func (r *run) mediaMissing(id, u, reason string) {
	if err := r.c.sink.MediaMissing(r.ctx, id, u, reason); err != nil {
		r.fail(err)
		return
	}
	r.mu.Lock()
	r.sum.MediaMissing++
	r.mu.Unlock()
	r.c.log.Warn("media not archived", "url", u, "article", id, "why", reason)
}

// RunMedia archives what is missing of the media of stored articles (of one
// channel path, or all): the way existing archives get their files. It uses
// the crawl's politeness and the final pass, and records no crawl run.
func (c *Crawler) RunMedia(ctx context.Context, channel string) (extract.RunSummary, error) {
	todo, err := c.sink.MissingMedia(ctx, channel)
	if err != nil {
		return extract.RunSummary{}, err
	}
	return c.archiveMedia(ctx, todo)
}

// archiveMedia fetches and archives the files of todo that the mode asks for.
func (c *Crawler) archiveMedia(ctx context.Context, todo []extract.MediaTodo) (extract.RunSummary, error) {
	r, err := c.setup(ctx, false)
	defer r.abort()
	if err != nil {
		return r.sum, err
	}
	for _, m := range todo {
		if m.Image || c.cfg.Media == MediaAll {
			r.media = append(r.media, m)
		}
	}
	r.walk(ctx)
	r.sum.Finished = c.cfg.Now().In(extract.CST())
	r.sum.Requests = int(c.Requests() - r.requests0)
	r.sum.Outcome = "ok"
	switch {
	case r.fatal.Load() != nil:
		r.sum.Outcome, err = "error", *r.fatal.Load()
	case r.stopping.Load():
		r.sum.Outcome, err = "interrupted", ErrInterrupted
	case r.sum.MediaMissing > 0:
		r.sum.Outcome = "failures"
	}
	return r.sum, err
}
