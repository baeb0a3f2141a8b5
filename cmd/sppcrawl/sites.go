package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/sites"
)

// SitesCommand is `sppcrawl sites`: list the sites sppcrawl knows (crawl --site KEY|HOST); check HOST reads one list and one article of a site.
type SitesCommand struct {
	streams
	c   *cli
	cfg *crawler.Config
}

var sitesInfo = commandInfo{"sites", "list the sites sppcrawl knows (crawl --site KEY|HOST); check HOST reads one list and one article of a site",
	"[--format text|json] [check HOST [--origin URL]]", []string{"text", "json"}}

// Run parses args as the command line of sites and does its work.
func (cmd *SitesCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(sitesInfo, cmd.streams)
	cmd.c = c
	cmd.cfg = c.crawlConfig(netFlags)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.sites)
}

// check takes check HOST: the site of the host, any .gov.cn host of the
// TRS platform too.
func (cmd *SitesCommand) check() error {
	c := cmd.c
	switch {
	case len(c.args) == 0:
		return nil
	case len(c.args) != 2 || c.args[0] != "check":
		return usageErr("unexpected arguments %q: want check HOST (any host under .gov.cn of the TRS platform is a site too)", c.args)
	}
	s, err := lookupSite(c.args[1])
	if err != nil {
		return usageError{err}
	}
	c.crawl.useSite(cmd.cfg, s)
	return nil
}

// sites checks the site asked, or lists the sites built in.
func (cmd *SitesCommand) sites(ctx context.Context, _ sppcrawl.Archive) error {
	c := cmd.c
	if len(c.args) == 2 {
		return checkSite(ctx, c, *cmd.cfg)
	}
	rows := siteRows(sites.All())
	return c.print(rows, func(w io.Writer) error { return writeSites(w, rows) })
}

// siteRow is a site as `sites --format json` lists it.
type siteRow struct {
	Key  string `json:"key"`
	Host string `json:"host"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

func siteRows(all []sppcrawl.Site) []siteRow {
	rows := make([]siteRow, len(all))
	for i, s := range all {
		rows[i] = siteRow{Key: s.Key(), Host: s.Host(), Kind: sites.Kind(s), Name: s.Name()}
	}
	return rows
}

func writeSites(w io.Writer, rows []siteRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tHOST\tKIND\tNAME")
	for _, r := range rows {
		// The name goes last: tabwriter counts a Chinese character as one column.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Key, r.Host, r.Kind, r.Name)
	}
	return tw.Flush()
}

// lookupSite is the site --site names: one key or host.
func lookupSite(name string) (sppcrawl.Site, error) {
	if strings.Contains(name, ",") {
		return nil, fmt.Errorf("--site %q: one site per run", name)
	}
	s, err := sites.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("--site: %w", err)
	}
	return s, nil
}

// useSite makes c crawl s: from its origin unless --origin names a mirror,
// at its pace unless --delay or --parallel say otherwise.
func (f *crawlFlags) useSite(c *crawler.Config, s sppcrawl.Site) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	c.Site = s
	if !set["origin"] {
		c.Origin = s.Origin()
	}
	if f.groups&paceFlags != 0 {
		pace := s.Politeness()
		if !set["delay"] {
			c.Delay = pace.Delay
		}
		if !set["parallel"] {
			c.Parallel = pace.Parallel
		}
	}
}

// siteOf is the site a stored URL is of: spp's (the default, whose bare
// domain is its too), else the site of its host, so that a page is read
// again by the adapter that read it.
func siteOf(u string) sppcrawl.Site {
	def := sites.Default()
	pu, err := url.Parse(u)
	if err != nil {
		return def
	}
	if _, err := def.CanonicalURL(u); err == nil {
		return def
	}
	if s, err := sites.Lookup(pu.Hostname()); err == nil {
		return s
	}
	return def
}
