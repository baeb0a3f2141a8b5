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
	"sppcrawl/crawler"
	"sppcrawl/sites"
)

// ChannelsCommand is `sppcrawl channels`: list the channels of the site: the table, and those its navigation links to (--discover reads it now).
type ChannelsCommand struct {
	streams
	c        *cli
	cfg      *crawler.Config
	discover bool
	forget   channelFlag
}

var channelsInfo = commandInfo{"channels", "list the channels of the site: the table, and those its navigation links to (--discover reads it now)",
	"[--format text|json] [--discover [--origin URL]] | --forget KEY|PATH", []string{"text", "json"}}

// Run parses args as the command line of channels and does its work.
func (cmd *ChannelsCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(channelsInfo, cmd.streams)
	cmd.c = c
	c.fs.BoolVar(&cmd.discover, "discover", false, "read the site's homepage navigation now, list the channels it links to, and keep the list in the archive (if there is one)")
	c.fs.Var(&cmd.forget, "forget", "forget what crawls recorded of this channel (a key or folder typed by mistake): its state, health and gaps; its articles stay")
	cmd.cfg = c.crawlConfig(netFlags)
	c.archive(true, cmd.mode)
	return c.run(ctx, args, cmd.channels)
}

// mode: --forget writes the archive, --discover writes it if there is one,
// a list reads it if there is one.
func (cmd *ChannelsCommand) mode() sppcrawl.OpenMode {
	switch {
	case cmd.forget.path != "":
		return sppcrawl.OpenWrites
	case cmd.discover:
		return sppcrawl.OpenWritesIfExists
	}
	return sppcrawl.OpenReadsIfExists
}

// channels forgets the channel asked, or lists the channels (after reading
// the site's navigation with --discover).
func (cmd *ChannelsCommand) channels(ctx context.Context, archive sppcrawl.Archive) error {
	var scoped sppcrawl.CrawlArchive // the site's records, of an archive of many
	if archive != nil {
		scoped = archive.ForSite(cmd.cfg.Site)
	}
	if cmd.forget.path != "" {
		return forgetChannel(ctx, cmd.c, scoped, cmd.forget.path)
	}
	var m sppcrawl.SiteMap
	var err error
	if archive != nil {
		if m, err = scoped.SiteMap(ctx); err != nil {
			return err
		}
	}
	if cmd.discover {
		if m, err = cmd.discoverMap(ctx, archive, scoped); err != nil {
			return err
		}
	}
	rows, err := channelRows(ctx, scoped, cmd.cfg.Site, m)
	if err != nil {
		return err
	}
	return cmd.c.print(rows, func(w io.Writer) error { return writeChannels(w, cmd.cfg.Site, rows, m) })
}

// discoverMap reads the site's navigation now and keeps it in the archive
// (scoped: its records of the site), if there is one.
func (cmd *ChannelsCommand) discoverMap(ctx context.Context, archive sppcrawl.Archive, scoped sppcrawl.CrawlArchive) (sppcrawl.SiteMap, error) {
	cr, err := newCrawler(cmd.cfg, archive)
	if err != nil {
		return sppcrawl.SiteMap{}, err
	}
	chans, err := cr.Discover(ctx)
	if err != nil {
		return sppcrawl.SiteMap{}, err
	}
	m := sppcrawl.SiteMap{DiscoveredAt: time.Now(), Channels: chans}
	if archive != nil {
		if err := scoped.PutSiteMap(ctx, m); err != nil {
			return m, err
		}
	}
	return m, nil
}

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
