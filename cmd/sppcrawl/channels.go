package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
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
	if cmd.forget.path != "" {
		return forgetChannel(ctx, cmd.c, archive, cmd.forget.path)
	}
	var m sppcrawl.SiteMap
	var err error
	if archive != nil {
		if m, err = archive.SiteMap(ctx); err != nil {
			return err
		}
	}
	if cmd.discover {
		if m, err = cmd.discoverMap(ctx, archive); err != nil {
			return err
		}
	}
	rows, err := channelRows(ctx, archive, m)
	if err != nil {
		return err
	}
	return cmd.c.print(rows, func(w io.Writer) error { return writeChannels(w, rows, m) })
}

// discoverMap reads the site's navigation now and keeps it in the archive,
// if there is one.
func (cmd *ChannelsCommand) discoverMap(ctx context.Context, archive sppcrawl.Archive) (sppcrawl.SiteMap, error) {
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
		if err := archive.PutSiteMap(ctx, m); err != nil {
			return m, err
		}
	}
	return m, nil
}

func forgetChannel(ctx context.Context, c *cli, archive sppcrawl.Archive, path string) error {
	found, err := archive.ForgetChannel(ctx, path)
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

func channelRows(ctx context.Context, archive sppcrawl.Archive, m sppcrawl.SiteMap) ([]channelRow, error) {
	rows := []channelRow{}
	for _, ch := range m.All() {
		r := channelRow{Key: ch.Key, Name: ch.Name, Path: ch.Path, URL: sppcrawl.ListPageURL(ch.Path, 1), InTable: sppcrawl.InTable(ch.Path), Crawled: true}
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

func writeChannels(w io.Writer, rows []channelRow, m sppcrawl.SiteMap) error {
	bw := bufio.NewWriter(w)
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
