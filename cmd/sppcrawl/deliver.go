package main

import (
	"context"
	"time"

	"sppcrawl"
)

// DeliverCommand is `sppcrawl deliver`: send the archive's new, corrected and withdrawn articles to the subscribed receivers.
type DeliverCommand struct{ streams }

var deliverInfo = commandInfo{"deliver", "send the archive's new, corrected and withdrawn articles to the subscribed receivers",
	"[--for DURATION] [--retry-schedule 5s,5m,…] [--db FILE]", nil}

// Run parses args as the command line of deliver and does its work.
func (cmd *DeliverCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(deliverInfo, cmd.streams)
	var pf pushFlags
	pf.register(c.fs)
	d := c.fs.Duration("for", 30*time.Second, "deliver until nothing is pending or this has passed (retries falling due within it are waited for)")
	c.uses(sppcrawl.OpenWrites)
	c.check(func() error {
		if *d <= 0 {
			return usageErr("--for %s: must be positive", *d)
		}
		return nil
	})
	return c.run(ctx, args, func(ctx context.Context, archive sppcrawl.Archive) error {
		r, err := c.pusher(archive, &pf, nil).DeliverFor(ctx, *d)
		c.summary(err == nil, deliverLine(r), r)
		return err
	})
}
