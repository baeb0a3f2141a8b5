package main

import (
	"context"
	"time"

	"sppcrawl"
)

// DeliverCommand is `sppcrawl deliver`: send the archive's new, corrected and withdrawn articles to the subscribed receivers.
type DeliverCommand struct {
	streams
	c    *cli
	push pushFlags
	d    time.Duration // --for
}

var deliverInfo = commandInfo{"deliver", "send the archive's new, corrected and withdrawn articles to the subscribed receivers",
	"[--for DURATION] [--retry-schedule 5s,5m,…] [--db FILE]", nil}

// Run parses args as the command line of deliver and does its work.
func (cmd *DeliverCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(deliverInfo, cmd.streams)
	cmd.c = c
	cmd.push.register(c.fs)
	c.fs.DurationVar(&cmd.d, "for", 30*time.Second, "deliver until nothing is pending or this has passed (retries falling due within it are waited for)")
	c.uses(sppcrawl.OpenWrites)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.deliver)
}

func (cmd *DeliverCommand) check() error {
	if cmd.d <= 0 {
		return usageErr("--for %s: must be positive", cmd.d)
	}
	return nil
}

// deliver delivers what is due for at most --for.
func (cmd *DeliverCommand) deliver(ctx context.Context, archive sppcrawl.Archive) error {
	r, err := cmd.c.pusher(archive, &cmd.push, nil).DeliverFor(ctx, cmd.d)
	cmd.c.summary(err == nil, deliverLine(r), r)
	return err
}
