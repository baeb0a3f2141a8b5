package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sppcrawl"
	"sppcrawl/publish"
	"sppcrawl/search"
)

// ExportCommand is `sppcrawl export`: write articles as JSON Lines, JSON, CSV, Atom, RSS or JSON Feed, their cases, or the archive as WARC.
type ExportCommand struct {
	streams
	c *cli
	f exportFlags
}

var exportInfo = commandInfo{"export", "write articles as JSON Lines, JSON, CSV, Atom, RSS or JSON Feed, their cases, or the archive as WARC",
	"[--format " + strings.Join(publish.Formats, "|") + "] [flags]", nil}

// Run parses args as the command line of export and does its work.
func (cmd *ExportCommand) Run(ctx context.Context, args []string) error {
	c := newCLI(exportInfo, cmd.streams)
	cmd.c = c
	cmd.f.register(c.fs)
	c.check(cmd.f.check)
	c.uses(sppcrawl.OpenReads)
	return c.run(ctx, args, cmd.export)
}

// export writes the export, then hands out its cursor.
func (cmd *ExportCommand) export(ctx context.Context, archive sppcrawl.Archive) error {
	c, f := cmd.c, &cmd.f
	f.o.Software, f.o.Stdout = "sppcrawl/"+version, c.Stdout
	res, err := publish.ExportFile(ctx, archive, f.o)
	if res.Media > 0 {
		c.log.Info("media files written", "dir", f.o.MediaDir, "new", res.Media)
	}
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		c.log.Warn("record skipped: it does not decode (sppcrawl verify --repair quarantines it)", "record", s.Key, "why", s.Why)
	}
	if publish.HasCursor(f.o.Format) {
		if err := f.saveCursor(res.Next, c); err != nil {
			return err
		}
	}
	if len(res.Skipped) > 0 {
		return fmt.Errorf("%d records skipped, every other one exported: the archive is damaged (sppcrawl verify)", len(res.Skipped))
	}
	return nil
}

// exportFlags fill publish.ExportOptions from the command line.
type exportFlags struct {
	o                     publish.ExportOptions
	sinceDate, cursorFile string
	channel               channelFlag
	sites                 listFlag
}

func (f *exportFlags) register(fs *flag.FlagSet) {
	o := &f.o
	fs.StringVar(&o.Format, "format", "jsonl", strings.Join(publish.Formats, ", "))
	fs.Uint64Var(&o.Filter.AfterSeq, "since", 0, "only articles with seq greater than this (the cursor printed as next_since)")
	fs.StringVar(&f.sinceDate, "since-date", "", "only articles published on or after this date (YYYY-MM-DD)")
	fs.Var(&f.channel, "channel", "only this channel (key such as jczdal, or folder /spp/jczdal/)")
	fs.IntVar(&o.Limit, "limit", 0, "at most this many articles (default: all; 50 for feeds)")
	fs.Var(&f.sites, "site", "only these sites (keys such as spp or hosts such as www.gd.jcy.gov.cn; repeat or separate with commas)")
	fs.BoolVar(&o.Filter.Withdrawn, "withdrawn", false, "only the articles the site withdrew (withdrawn_at set)")
	fs.StringVar(&o.Out, "out", "-", "output file, written atomically; a regular file or a new path (- for stdout)")
	fs.StringVar(&o.MediaDir, "media-dir", "", "also write every archived image and attachment once into this folder, as <sha256>.<ext>")
	fs.StringVar(&f.cursorFile, "cursor-file", "", "write the cursor (next_since) into this file instead of printing it")
	fs.StringVar(&o.CDX, "cdx", "", "with --format warc: also write the WARC's CDXJ index (pywb) into this file")
}

func (f *exportFlags) check() error {
	o := &f.o
	if !slices.Contains(publish.Formats, o.Format) {
		return fmt.Errorf("--format %q: want %s", o.Format, strings.Join(publish.Formats, ", "))
	}
	if f.sinceDate != "" {
		t, ok := sppcrawl.ParseDate(f.sinceDate)
		if !ok {
			return fmt.Errorf("--since-date %q: want YYYY-MM-DD", f.sinceDate)
		}
		o.Filter.Since = t
	}
	o.Filter.Channel = f.channel.path
	sites, err := search.ParseSites(f.sites...)
	if err != nil {
		return fmt.Errorf("--site: %w", err)
	}
	o.Filter.Sites = sites
	if o.Limit < 0 {
		return fmt.Errorf("--limit %d: must not be negative", o.Limit)
	}
	if o.Out == "/dev/stdout" || o.Out == "/dev/fd/1" {
		o.Out = "-"
	}
	if o.CDX != "" && (o.Format != "warc" || o.Out == "-") {
		return fmt.Errorf("--cdx goes with --format warc and an --out file (the index names the WARC)")
	}
	return nil
}

// saveCursor hands out the cursor: into --cursor-file (replaced whole), or
// on stderr as next_since=SEQ, unless --quiet (nothing on success).
func (f *exportFlags) saveCursor(next uint64, c *cli) error {
	if f.cursorFile != "" {
		out, err := publish.CreateOutput(f.cursorFile)
		if err != nil {
			return fmt.Errorf("--cursor-file: %w", err)
		}
		defer out.Abort()
		if _, err := out.Write([]byte(strconv.FormatUint(next, 10) + "\n")); err != nil {
			return err
		}
		return out.Commit()
	}
	c.summary(true, fmt.Sprintf("next_since=%d", next), map[string]uint64{"next_since": next})
	return nil
}
