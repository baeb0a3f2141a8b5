package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"sppcrawl"
	"sppcrawl/store"
)

var channelsCmd = command{"channels", "list the channels sppcrawl knows, or (--discover) those the site's navigation links to",
	"[--format text|json] [--discover [--origin URL]] | --forget KEY|PATH", []string{"text", "json"},
	func(c *cli) func(context.Context, *store.DB) error {
		discover := c.fs.Bool("discover", false, "read the site's homepage navigation and list the channels it links to, marking those not crawled")
		var forget channelFlag
		c.fs.Var(&forget, "forget", "forget what crawls recorded of this channel (a key or folder typed by mistake): its state, health and gaps; its articles stay")
		cfg := c.crawlConfig(netFlags)
		c.archive(false, func() archiveMode {
			if forget.path != "" {
				return writes
			}
			return noArchive
		})
		return func(ctx context.Context, archive *store.DB) error {
			if forget.path != "" {
				found, err := archive.ForgetChannel(ctx, forget.path)
				if err != nil {
					return err
				}
				if !found {
					return fmt.Errorf("the archive records nothing of %s", forget.path)
				}
				c.summary(true, "channels: forgot "+forget.path, map[string]string{"forgot": forget.path})
				return nil
			}
			chans := sppcrawl.Channels
			if *discover {
				cr, err := newCrawler(cfg, nil)
				if err != nil {
					return err
				}
				if chans, err = cr.Discover(ctx); err != nil {
					return err
				}
			}
			rows := channelRows(chans)
			return c.print(rows, func(w io.Writer) error { return writeChannels(w, rows) })
		}
	}}

// channelRow is a channel as `sppcrawl channels` lists it.
type channelRow struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Path    string `json:"path"`
	URL     string `json:"url"`
	Crawled bool   `json:"crawled"` // in the table crawled by default
}

func channelRows(chans []sppcrawl.Channel) []channelRow {
	rows := []channelRow{}
	for _, c := range chans {
		rows = append(rows, channelRow{c.Key, c.Name, c.Path, sppcrawl.ListPageURL(c.Path, 1), sppcrawl.ChannelByPath(c.Path).Name != ""})
	}
	return rows
}

func writeChannels(w io.Writer, rows []channelRow) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tPATH\tURL\tCRAWLED\tNAME")
	for _, r := range rows {
		crawled := "yes"
		if !r.Crawled {
			crawled = "no (--channels " + r.Path + ")"
		}
		// The name goes last: tabwriter counts a Chinese character as one column.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Key, r.Path, r.URL, crawled, r.Name)
	}
	tw.Flush()
	return bw.Flush()
}
