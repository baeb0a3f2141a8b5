package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"sppcrawl"
)

// A page whose text is only in the files it embeds (sppcrawl.AttachedText:
// 12309's PDF viewer) is read with them: each file is fetched with the
// page, through the origin, after robots.txt and the run's pacer, within
// the attachment cap, and its bytes are archived as the article's media
// once the article is stored, so the media phase does not fetch it again.
// A file that is gone (4xx) or gives no text is a warning naming it, the
// article keeping what its page gave; one that does not answer now (5xx,
// 429, the network) fails the page, which a later run reads again, so that
// a stored document's text is not replaced by its record's for a moment.

// attachedFile is a file fetched for an article's text.
type attachedFile struct {
	url, contentType string
	body             []byte
}

// attachedText fills a just-read article's text from its files; wait
// paces each request (false: the run stops), warn reports a file not read.
func (c *Crawler) attachedText(ctx context.Context, a *sppcrawl.Article, page []byte, allowed func(string) bool,
	wait func() bool, warn func(string)) ([]attachedFile, error) {
	at, ok := c.site.(sppcrawl.AttachedText)
	if !ok {
		return nil, nil
	}
	urls := at.TextFiles(a, page)
	if len(urls) == 0 {
		return nil, nil
	}
	var got []attachedFile
	files := map[string][]byte{}
	for _, u := range urls {
		if !allowed(u) {
			warn(fmt.Sprintf("%s: text of %s not read: robots.txt disallows it", a.URL, u))
			continue
		}
		if !wait() {
			return nil, fmt.Errorf("text of %s not read: %w", u, ErrInterrupted)
		}
		f, err := c.getFile(ctx, u)
		var gone *fileGoneError
		if errors.As(err, &gone) {
			warn(fmt.Sprintf("%s: text of %s not read: %v", a.URL, u, err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("text of %s not read: %w", u, err)
		}
		files[u] = f.body
		got = append(got, f)
	}
	for _, err := range at.ReadFiles(a, files) {
		warn(fmt.Sprintf("%s: %v; the list record's text kept", a.URL, err))
	}
	return got, nil
}

// fileGoneError is a file the site answers it does not have (4xx but 429)
// or will not hand over whole (over the cap): asking again will not help.
type fileGoneError struct{ reason string }

func (e *fileGoneError) Error() string { return e.reason }

// getFile fetches a file of the site whole, or says why not.
func (c *Crawler) getFile(ctx context.Context, u string) (attachedFile, error) {
	resp, err := c.getDirect(ctx, u)
	if err != nil {
		return attachedFile{}, err
	}
	defer resp.Body.Close()
	switch st := resp.StatusCode; {
	case st >= 400 && st < 500 && st != http.StatusTooManyRequests:
		return attachedFile{}, &fileGoneError{fmt.Sprintf("HTTP %d", st)}
	case st != http.StatusOK:
		return attachedFile{}, fmt.Errorf("HTTP %d", st)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(c.cfg.MaxAttachment)+1))
	if err != nil {
		return attachedFile{}, err
	}
	if len(body) > c.cfg.MaxAttachment {
		return attachedFile{}, &fileGoneError{fmt.Sprintf("larger than the attachment cap (%d bytes)", c.cfg.MaxAttachment)}
	}
	return attachedFile{url: u, contentType: resp.Header.Get("Content-Type"), body: body}, nil
}

// keepAttached archives the files read for a stored article's text, when
// the run archives attachments.
func (r *run) keepAttached(id string, files []attachedFile) {
	if len(files) == 0 || !r.c.cfg.Media.wants(false) {
		return
	}
	for _, f := range files {
		_, isNew, err := r.c.media.PutMedia(r.ctx, []string{id}, f.url, f.body, f.contentType, r.c.cfg.Now())
		if err != nil {
			r.fail(err)
			return
		}
		r.mu.Lock()
		r.sum.Media++
		if isNew {
			r.sum.MediaFiles++
		}
		r.mu.Unlock()
	}
}

// readAttached is attachedText in a run: its pacer, robots.txt, warnings.
func (r *run) readAttached(a *sppcrawl.Article, page []byte) ([]attachedFile, error) {
	return r.c.attachedText(r.ctx, a, page, r.robots.allowed,
		func() bool { return !r.stopped() && r.pace.wait(r.signalled, r.aborted) },
		func(msg string) { r.warn(msg, "url", a.URL) })
}
