package main

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"sppcrawl"
	"sppcrawl/crawler"
	"sppcrawl/sites"
)

// CrawlCommand is `sppcrawl crawl`: fetch what is new on www.spp.gov.cn into the archive (the cron job).
type CrawlCommand struct {
	streams
	c          *cli
	cfg        *crawler.Config
	push       pushFlags
	deliverFor time.Duration
}

var crawlInfo = commandInfo{"crawl", "fetch what is new on www.spp.gov.cn (or the sites --site names) into the archive (the cron job)", "[flags]", nil}

// Run parses args as the command line of crawl and does its work.
func (cmd *CrawlCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(crawlInfo, cmd.streams)
	cmd.c = c
	cmd.cfg = c.crawlConfig(netFlags | paceFlags | walkFlags | mediaFlags)
	c.crawl.manySites = true
	cmd.push.register(c.fs)
	c.fs.DurationVar(&cmd.deliverFor, "deliver-for", 30*time.Second, "after the run, deliver to the subscriptions what is due, for at most this long (0: leave it to sppcrawl deliver)")
	c.uses(sppcrawl.OpenCreates)
	c.indexes = true
	c.check(cmd.check)
	return c.run(ctx, args, cmd.crawl)
}

func (cmd *CrawlCommand) check() error {
	if len(cmd.c.args) != 0 {
		return usageErr("unexpected arguments %q", cmd.c.args)
	}
	return nil
}

// crawl runs the crawl, indexing as it goes, then delivers what is due.
func (cmd *CrawlCommand) crawl(ctx context.Context, archive sppcrawl.Archive) error {
	c, cfg := cmd.c, cmd.cfg
	if len(c.crawl.group) > 1 {
		return cmd.crawlSites(ctx, archive)
	}
	if err := sites.Learn(ctx, archive, cfg.Site); err != nil {
		return err
	}
	// Until the archive closes: the index's catch-up at the crawl's end
	// runs under the limit too.
	restore := crawler.LimitMemory(cfg.Parallel)
	c.closers = append(c.closers, func() error { restore(); return nil })
	cr, err := c.newCrawler(cfg, archive)
	if err != nil {
		return err
	}
	stopTrail := c.trailIndex(ctx, archive)
	sum, err := cr.Run(ctx)
	stopTrail()
	c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
	c.deliverAfterRun(ctx, archive, &cmd.push, cmd.deliverFor)
	return cmp.Or(err, sum.Err())
}

// crawlSites crawls the sites of --site's list at once, each at its own
// pace, saying as each ends how its run went; the summary line is the
// run's over them all.
func (cmd *CrawlCommand) crawlSites(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	parallel := 0
	for _, cfg := range c.crawl.group {
		if err := sites.Learn(ctx, archive, cfg.Site); err != nil {
			return err
		}
		parallel += cfg.Parallel
	}
	restore := crawler.LimitMemory(parallel)
	c.closers = append(c.closers, func() error { restore(); return nil })
	g, err := crawler.NewGroup(c.crawl.group, archive)
	if err != nil {
		return err
	}
	g.SiteDone = func(s sppcrawl.Site, sum sppcrawl.RunSummary, err error) {
		level := slog.LevelInfo
		if sum.Outcome != sppcrawl.RunOK {
			level = slog.LevelWarn // why is the run's error, said once at its end
		}
		c.log.Log(ctx, level, s.Key()+": "+sum.String(), "site", s.Host())
	}
	stopTrail := c.trailIndex(ctx, archive)
	sum, err := g.Run(ctx)
	stopTrail()
	c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
	c.deliverAfterRun(ctx, archive, &cmd.push, cmd.deliverFor)
	return cmp.Or(err, sum.Err())
}
