package main

import (
	"context"
	"os"

	"sppcrawl/publish"
)

func runHistory(ctx context.Context, args []string) error {
	fs := newFlags("history", "[--diff [A..B]] [--format text|json] ID|URL")
	var af archiveFlags
	af.register(fs, true)
	format := fs.String("format", "text", "output format: text or json (every version's whole article)")
	var diff diffFlag
	fs.Var(&diff, "diff", "show the text differences between consecutive versions (--diff A..B: between A and B)")
	var lf logFlags
	lf.register(fs)
	args, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if diff.on && len(args) == 2 && diff.rng == "" {
		diff.rng, args = args[0], args[1:] // --diff A..B ID
	}
	if len(args) != 1 {
		return usageErr("want one article id (spp-733868) or URL")
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format %q: want text or json", *format)
	}
	from, to := 0, 0
	if diff.rng != "" {
		if from, to, err = publish.ParseVersionRange(diff.rng); err != nil {
			return usageErr("--diff %s: %v", diff.rng, err)
		}
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	archive, err := af.open(true)
	if err != nil {
		return err
	}
	defer archive.Close()
	h, err := publish.GetHistory(ctx, archive, args[0])
	switch {
	case err != nil:
		return err
	case *format == "json":
		return publish.WriteJSON(os.Stdout, h)
	case !diff.on:
		return h.WriteText(os.Stdout)
	case from > 0:
		return h.WriteDiff(os.Stdout, from, to)
	}
	for i := 1; i < len(h.Versions); i++ {
		if err := h.WriteDiff(os.Stdout, h.Versions[i-1].Version, h.Versions[i].Version); err != nil {
			return err
		}
	}
	return nil
}

// diffFlag is --diff, alone or with a range (--diff=1..3, or --diff 1..3).
type diffFlag struct {
	on  bool
	rng string
}

func (d *diffFlag) String() string   { return d.rng }
func (d *diffFlag) IsBoolFlag() bool { return true }
func (d *diffFlag) Set(s string) error {
	d.on = s != "false"
	if s != "true" && s != "false" {
		d.rng = s
	}
	return nil
}
