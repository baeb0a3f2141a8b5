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

// crawl runs the crawl of the site, or of the sites of --site's list at
// once, indexing as it goes, then delivers what is due.
func (cmd *CrawlCommand) crawl(ctx context.Context, archive sppcrawl.Archive) error {
	c := cmd.c
	cfgs := c.crawl.group
	if len(cfgs) < 2 {
		cfgs = []crawler.Config{*cmd.cfg}
	}
	parallel := 0
	for _, cfg := range cfgs {
		if err := sites.Learn(ctx, archive, cfg.Site); err != nil {
			return err
		}
		parallel += cfg.Parallel
	}
	// Until the archive closes: the index's catch-up at the crawl's end
	// runs under the limit too.
	restore := crawler.LimitMemory(parallel)
	c.closers = append(c.closers, func() error { restore(); return nil })
	stopTrail, stored := c.trailIndex(ctx, archive)
	for i := range cfgs {
		cfgs[i].Stored = stored
	}
	run, err := cmd.runner(ctx, cfgs, archive)
	if err != nil {
		stopTrail()
		return err
	}
	sum, err := run(ctx)
	stopTrail()
	c.summary(sum.Outcome == sppcrawl.RunOK, sum.String(), sum)
	c.deliverAfterRun(ctx, archive, &cmd.push, cmd.deliverFor)
	return cmp.Or(err, sum.Err())
}

// runner is the run of one site's crawler, or of a group of them, one per
// site at its own pace, each saying as it ends how its run went (the
// summary line is the group's, over them all).
func (cmd *CrawlCommand) runner(ctx context.Context, cfgs []crawler.Config, archive sppcrawl.Archive) (func(context.Context) (sppcrawl.RunSummary, error), error) {
	if len(cfgs) == 1 {
		cr, err := newCrawler(&cfgs[0], archive)
		if err != nil {
			return nil, err
		}
		return cr.Run, nil
	}
	g, err := crawler.NewGroup(cfgs, archive)
	if err != nil {
		return nil, err
	}
	g.SiteDone = func(s sppcrawl.Site, sum sppcrawl.RunSummary, err error) {
		level := slog.LevelInfo
		if sum.Outcome != sppcrawl.RunOK {
			level = slog.LevelWarn // why is the run's error, said once at its end
		}
		cmd.c.log.Log(ctx, level, s.Key()+": "+sum.String(), "site", s.Host())
	}
	return g.Run, nil
}
