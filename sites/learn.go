package sites

import (
	"cmp"
	"context"
	"strings"

	"sppcrawl"
)

// Learnable is what Learn reads of an archive: its channels' records and
// its first article.
type Learnable interface {
	ChannelStates(ctx context.Context) ([]sppcrawl.ChannelState, error)
	Since(ctx context.Context, after uint64, limit int) ([]*sppcrawl.Article, error)
}

// Learn teaches a site that learns from its URLs (the extension of a
// local site's pages) by an article of it the archive holds: the newest a
// channel of it listed, else the archive's first article if it is the
// site's. An archive holds many sites, each with records of its own.
func Learn(ctx context.Context, archive Learnable, s sppcrawl.Site) error {
	l, ok := s.(interface{ Learn(string) })
	if archive == nil || !ok {
		return nil
	}
	states, err := archive.ChannelStates(ctx)
	if err != nil {
		return err
	}
	for _, st := range states {
		if u := cmp.Or(st.NewestURL, st.CompleteURL); u != "" && strings.EqualFold(st.Site, s.Host()) {
			l.Learn(u)
			return nil
		}
	}
	arts, err := archive.Since(ctx, 0, 1)
	if err != nil || len(arts) == 0 {
		return err
	}
	if strings.EqualFold(sppcrawl.URLHost(arts[0].URL), s.Host()) {
		l.Learn(arts[0].URL)
	}
	return nil
}
