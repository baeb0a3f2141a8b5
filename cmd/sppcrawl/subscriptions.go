package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/push"
	"sppcrawl/sites"
)

// subcommands of subscriptions, and how each opens the archive: those
// that only read what is stored read it beside a serve --crawl-every.
var subcommands = map[string]sppcrawl.OpenMode{"add": sppcrawl.OpenWrites, "list": sppcrawl.OpenReadsBeside, "show": sppcrawl.OpenReadsBeside, "remove": sppcrawl.OpenWrites,
	"pause": sppcrawl.OpenWrites, "resume": sppcrawl.OpenWrites, "rotate-secret": sppcrawl.OpenWrites, "replay": sppcrawl.OpenWrites, "test": sppcrawl.OpenReadsBeside, "deliveries": sppcrawl.OpenReadsBeside}

// SubscriptionsCommand is `sppcrawl subscriptions`: manage the webhooks that are told of new, corrected and withdrawn articles.
type SubscriptionsCommand struct {
	streams
	c                *cli
	o                push.AddOptions
	events, channels listFlag
	since            optionalInt
	limit            int
}

var subscriptionsInfo = commandInfo{"subscriptions", "manage the webhooks that are told of new, corrected and withdrawn articles",
	"add URL [--events created,updated,withdrawn,restored] [--channels …] [--sites …] [--query Q] [--batch N] [--since SEQ] [--allow-http] [--allow-private]\n" +
		"       sppcrawl subscriptions list | show ID | remove ID | pause ID | resume ID | rotate-secret ID | replay ID --since SEQ | test ID | deliveries ID",
	[]string{"text", "json"}}

// Run parses args as the command line of subscriptions and does its work.
func (cmd *SubscriptionsCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(subscriptionsInfo, cmd.streams)
	cmd.c = c
	o := &cmd.o
	c.fs.Var(&cmd.events, "events", "add: the events wanted: created, updated, withdrawn, restored (default: all)")
	c.fs.Var(&cmd.channels, "channels", "add: only articles of these channels (keys or folders)")
	c.fs.Var((*listFlag)(&o.Sites), "sites", "add: only articles of these sites (keys such as spp or hosts; default: every site)")
	c.fs.StringVar(&o.Query, "query", "", "add: only articles that match this search query (as sppcrawl search takes it)")
	c.fs.IntVar(&o.Batch, "batch", 0, "add: up to this many events per request, as {\"type\":\"batch\",\"events\":[…]} (default: one)")
	c.fs.BoolVar(&o.AllowHTTP, "allow-http", false, "add: accept an http:// receiver (deliveries travel unencrypted)")
	c.fs.BoolVar(&o.AllowPrivate, "allow-private", false, "add: accept a receiver on a loopback, private or link-local address")
	c.fs.Var(&cmd.since, "since", "add: start after this `seq` (a backfill; default: the archive's current seq); replay: deliver again every event after it")
	c.fs.IntVar(&cmd.limit, "limit", 20, "deliveries: how many of the latest")
	c.archive(false, cmd.mode)
	c.check(cmd.check)
	return c.run(ctx, args, cmd.subscriptions)
}

// mode is the subcommand's (subcommands); an unknown one is refused by
// check.
func (cmd *SubscriptionsCommand) mode() sppcrawl.OpenMode {
	if len(cmd.c.args) == 0 {
		return sppcrawl.OpenWrites
	}
	if m, ok := subcommands[cmd.c.args[0]]; ok {
		return m
	}
	return sppcrawl.OpenWrites
}

func (cmd *SubscriptionsCommand) check() error {
	return subscriptionsArgs(cmd.c.args, &cmd.o, cmd.events, cmd.channels, cmd.since)
}

func (cmd *SubscriptionsCommand) subscriptions(ctx context.Context, archive sppcrawl.Archive) error {
	p := push.New(archive, push.Options{Logger: cmd.c.log})
	return runSubscriptions(ctx, cmd.c, archive, p, cmd.o, cmd.limit)
}

// subscriptionsArgs checks the subcommand and its arguments, and completes
// add's options from the flags.
func subscriptionsArgs(args []string, o *push.AddOptions, events, channels listFlag, since optionalInt) error {
	if len(args) == 0 {
		return usageErr("want a subcommand: add, list, show, remove, pause, resume, rotate-secret, replay, test or deliveries")
	}
	sub := args[0]
	if _, ok := subcommands[sub]; !ok {
		return usageErr("no subcommand %q: add, list, show, remove, pause, resume, rotate-secret, replay, test or deliveries", sub)
	}
	want := 2
	if sub == "list" {
		want = 1
	}
	if len(args) != want {
		return usageErr("subscriptions %s: want %s", sub, map[bool]string{true: "no argument", false: "one argument (the URL, or the subscription's id)"}[want == 1])
	}
	switch {
	case since.set && since.n < 0:
		return usageErr("--since %d: want a seq, 0 or more", since.n)
	case sub == "replay" && !since.set:
		return usageErr("subscriptions replay: want --since SEQ")
	}
	return addOptions(o, events, channels, since)
}

// addOptions completes add's options from its flags.
func addOptions(o *push.AddOptions, events, channels listFlag, since optionalInt) error {
	for _, e := range events {
		o.Events = append(o.Events, sppcrawl.EventType("article."+strings.TrimPrefix(e, "article.")))
	}
	site := channelsSite(o.Sites)
	for _, ch := range channels {
		chs, err := sites.SelectChannels(site, ch)
		if err != nil {
			return usageErr("--channels %q: %v", ch, err)
		}
		for _, x := range chs {
			o.Channels = append(o.Channels, x.Path)
		}
	}
	if since.set {
		s := uint64(since.n)
		o.Since = &s
	}
	return nil
}

// runSubscriptions carries out the subcommand c.args[0].
func runSubscriptions(ctx context.Context, c *cli, db sppcrawl.Archive, p *push.Pusher, o push.AddOptions, limit int) error {
	sub, arg := c.args[0], ""
	if len(c.args) > 1 {
		arg = c.args[1]
	}
	switch sub {
	case "add":
		o.URL = arg
		s, err := p.Add(ctx, o)
		if err != nil {
			return usageError{refusalAdvice(err)}
		}
		return c.print(map[string]string{"id": s.ID, "secret": s.Secret}, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s\nsecret %s (verify each delivery's webhook-signature with it; shown once here, and by show)\nfrom seq %d\n", s.ID, s.Secret, s.Cursor)
			return err
		})
	case "list":
		return listSubscriptions(ctx, c, db)
	case "show":
		s, err := db.Subscription(ctx, arg)
		if err != nil {
			return err
		}
		return c.print(s, func(w io.Writer) error { return writeJSON(w, s) })
	case "deliveries":
		ds, err := db.Deliveries(ctx, arg, limit)
		if err != nil {
			return err
		}
		if ds == nil {
			ds = []sppcrawl.Delivery{}
		}
		return c.print(ds, func(w io.Writer) error { return writeDeliveries(w, ds) })
	case "test":
		return testSubscription(ctx, c.Stdout, db, p, arg)
	case "remove":
		if err := db.DeleteSubscription(ctx, arg); err != nil {
			return err
		}
		c.summary(true, "subscriptions: removed "+arg, map[string]string{"removed": arg})
		return nil
	}
	return changeSubscription(ctx, c, p, sub, arg, o)
}

// refusalAdvice adds to a refused receiver the flag that would allow it,
// if one would.
func refusalAdvice(err error) error {
	var re *push.RefusedError
	if errors.As(err, &re) {
		switch re.Loosen {
		case push.LoosenHTTP:
			return fmt.Errorf("%w (--allow-http for http)", err)
		case push.LoosenPrivate:
			return fmt.Errorf("%w (--allow-private to send there)", err)
		}
	}
	return err
}

// listSubscriptions prints every subscription, without its secrets.
func listSubscriptions(ctx context.Context, c *cli, db sppcrawl.Archive) error {
	subs, err := db.Subscriptions(ctx)
	if err != nil {
		return err
	}
	if subs == nil {
		subs = []sppcrawl.Subscription{}
	}
	for i := range subs {
		subs[i].Secret, subs[i].OldSecret = "", ""
	}
	return c.print(subs, func(w io.Writer) error { return writeSubscriptions(ctx, db, w) })
}

// testSubscription sends subscription id a ping and says how its receiver
// answered; anything but 2xx is an error.
func testSubscription(ctx context.Context, w io.Writer, db sppcrawl.Archive, p *push.Pusher, id string) error {
	s, err := db.Subscription(ctx, id)
	if err != nil {
		return err
	}
	status, took, err := p.Ping(ctx, s)
	if err != nil {
		return fmt.Errorf("test %s: %w", s.ID, err)
	}
	line := fmt.Sprintf("test %s: %s answered %d in %s", s.ID, s.URL, status, took.Round(time.Millisecond))
	if status/100 != 2 {
		return fmt.Errorf("%s (only 2xx is success)", line)
	}
	_, err = fmt.Fprintln(w, line)
	return err
}

// changeSubscription is pause, resume, rotate-secret and replay.
func changeSubscription(ctx context.Context, c *cli, p *push.Pusher, sub, id string, o push.AddOptions) error {
	var s sppcrawl.Subscription
	var err error
	switch sub {
	case "pause":
		s, err = p.Pause(ctx, id)
	case "resume":
		s, err = p.Resume(ctx, id)
	case "rotate-secret":
		s, err = p.RotateSecret(ctx, id)
	case "replay":
		s, err = p.Replay(ctx, id, *o.Since)
	}
	if err != nil {
		return err
	}
	if sub == "rotate-secret" {
		return c.print(map[string]string{"id": s.ID, "secret": s.Secret}, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s\nsecret %s (the old one signs beside it until %s)\n", s.ID, s.Secret, localTime(s.OldUntil))
			return err
		})
	}
	c.summary(true, fmt.Sprintf("subscriptions: %s %s: %s, from seq %d", sub, s.ID, s.State, s.Cursor), s)
	return nil
}

// writeSubscriptions is the list for a person: state, cursor, events
// behind, delivered.
func writeSubscriptions(ctx context.Context, db sppcrawl.Archive, w io.Writer) error {
	reps, err := publish.SubscriptionReports(ctx, db)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if len(reps) == 0 {
		fmt.Fprintln(bw, "no subscriptions")
		return bw.Flush()
	}
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tCURSOR\tBEHIND\tDELIVERED\tURL")
	for _, s := range reps {
		b := strconv.Itoa(s.Behind)
		if s.Behind == publish.MaxBehind {
			b += "+"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%s\n", s.ID, s.Kind, s.State, s.Cursor, b, s.Delivered, terminalSafe(s.URL))
	}
	tw.Flush()
	return bw.Flush()
}

// writeDeliveries is the delivery log for a person, newest first.
func writeDeliveries(w io.Writer, ds []sppcrawl.Delivery) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSEQS\tEVENTS\tSTATUS\tDURATION\tERROR")
	for _, d := range ds {
		seqs := strconv.FormatUint(d.First, 10)
		if d.Last != d.First {
			seqs += "–" + strconv.FormatUint(d.Last, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", localTime(d.At), seqs, d.Events, d.Status, d.Duration.Round(time.Millisecond), terminalSafe(d.Error))
	}
	tw.Flush()
	return bw.Flush()
}

// channelsSite is the site whose channels add's --channels name: the one
// site --sites names, else the default (spp's keys and folders, as ever).
func channelsSite(named []string) sppcrawl.Site {
	if len(named) == 1 {
		return sites.Of(named[0])
	}
	return sites.Default()
}
