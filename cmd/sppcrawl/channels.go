package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"sppcrawl"
	"sppcrawl/sites"
)

var channelsCmd = command{"channels", "list the channels of the site: the table, and those its navigation links to (--discover reads it now)",
	"[--format text|json] [--discover [--origin URL]] | --forget KEY|PATH", []string{"text", "json"},
	func(c *cli) func(context.Context, sppcrawl.Archive) error {
		discover := c.fs.Bool("discover", false, "read the site's homepage navigation now, list the channels it links to, and keep the list in the archive (if there is one)")
		var forget channelFlag
		c.fs.Var(&forget, "forget", "forget what crawls recorded of this channel (a key or folder typed by mistake): its state, health and gaps; its articles stay")
		cfg := c.crawlConfig(netFlags)
		c.archive(true, func() archiveMode {
			switch {
			case forget.path != "":
				return writes
			case *discover:
				return writesIfExists
			}
			return readsIfExists
		})
		return func(ctx context.Context, archive sppcrawl.Archive) error {
			var scoped sppcrawl.CrawlArchive // the site's records, of an archive of many
			if archive != nil {
				scoped = archive.ForSite(cfg.Site)
			}
			if forget.path != "" {
				return forgetChannel(ctx, c, scoped, forget.path)
			}
			var m sppcrawl.SiteMap
			var err error
			if archive != nil {
				if m, err = scoped.SiteMap(ctx); err != nil {
					return err
				}
			}
			if *discover {
				cr, err := newCrawler(cfg, archive)
				if err != nil {
					return err
				}
				chans, err := cr.Discover(ctx)
				if err != nil {
					return err
				}
				m = sppcrawl.SiteMap{DiscoveredAt: time.Now(), Channels: chans}
				if archive != nil {
					if err := scoped.PutSiteMap(ctx, m); err != nil {
						return err
					}
				}
			}
			rows, err := channelRows(ctx, scoped, cfg.Site, m)
			if err != nil {
				return err
			}
			return c.print(rows, func(w io.Writer) error { return writeChannels(w, cfg.Site, rows, m) })
		}
	}}

func forgetChannel(ctx context.Context, c *cli, archive sppcrawl.CrawlArchive, path string) error {
	f, ok := archive.(interface {
		ForgetChannel(ctx context.Context, path string) (bool, error)
	})
	if !ok {
		return fmt.Errorf("channels --forget %s: the archive cannot forget a channel", path)
	}
	found, err := f.ForgetChannel(ctx, path)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("the archive records nothing of %s", path)
	}
	c.summary(true, "channels: forgot "+path, map[string]string{"forgot": path})
	return nil
}

// channelRow is a channel as `sppcrawl channels` lists it.
type channelRow struct {
	Site string `json:"site"` // its site's host
	Key  string `json:"key"`
	Name string `json:"name"`
	Path string `json:"path"`
	URL  string `json:"url"`
	// Crawled says whether a crawl of the whole site (the default) crawls
	// it: every list of the table and of the navigation; not a page found
	// to be no list (Kind says which).
	Crawled bool                 `json:"crawled"`
	InTable bool                 `json:"in_table"`
	Kind    sppcrawl.ChannelKind `json:"kind,omitempty"`
}

func channelRows(ctx context.Context, archive sppcrawl.CrawlArchive, site sppcrawl.Site, m sppcrawl.SiteMap) ([]channelRow, error) {
	rows := []channelRow{}
	table := site.Channels()
	for _, ch := range m.AllOf(table) {
		inTable := slices.ContainsFunc(table, func(t sppcrawl.Channel) bool { return t.Path == ch.Path })
		r := channelRow{Site: site.Host(), Key: ch.Key, Name: ch.Name, Path: ch.Path, URL: site.ListPageURL(ch.Path, 1), InTable: inTable, Crawled: true}
		if archive != nil {
			st, err := archive.ChannelState(ctx, ch.Path)
			if err != nil {
				return nil, err
			}
			r.Kind = st.Kind
			if st.Name != "" && r.Name == "" {
				r.Name = st.Name
			}
			r.Crawled = r.InTable || st.Kind == "" || st.Kind == sppcrawl.KindList
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func writeChannels(w io.Writer, site sppcrawl.Site, rows []channelRow, m sppcrawl.SiteMap) error {
	bw := bufio.NewWriter(w)
	if site.Host() != sites.Default().Host() {
		fmt.Fprintf(bw, "%s: ", site.Host()) // spp's, the default, reads as it always did
	}
	if m.DiscoveredAt.IsZero() {
		fmt.Fprintln(bw, "the built-in table (the site's navigation not read yet: a crawl reads it, or channels --discover)")
	} else {
		fmt.Fprintf(bw, "the built-in table and the site's navigation, read %s\n", localTime(m.DiscoveredAt))
	}
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tPATH\tCRAWLED\tURL\tNAME")
	for _, r := range rows {
		crawled := "yes"
		switch {
		case !r.Crawled:
			crawled = "no (" + string(r.Kind) + ")"
		case !r.InTable && r.Kind == "":
			crawled = "yes (not seen yet)"
		}
		// The name goes last: tabwriter counts a Chinese character as one column.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Key, r.Path, crawled, r.URL, r.Name)
	}
	tw.Flush()
	return bw.Flush()
}
