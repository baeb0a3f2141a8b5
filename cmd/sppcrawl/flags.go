package main

import (
	"fmt"
	"strconv"

	"sppcrawl/sites"
)

// channelFlag is a flag naming one channel by key or folder (jczdal,
// /spp/jczdal/); path is its folder, "" when the flag is not given.
type channelFlag struct{ path string }

func (f *channelFlag) String() string { return f.path }

// Set reads a key or folder of the default site's: the flag is read
// before the command knows its site, so another site's channel is named
// by its folder, which the site's channel keeps.
func (f *channelFlag) Set(s string) error {
	ch, err := sites.SelectChannels(sites.Default(), s)
	if err != nil || len(ch) != 1 {
		return fmt.Errorf("want one channel key or folder (see sppcrawl channels)")
	}
	f.path = ch[0].Path
	return nil
}

// diffFlag is history's --diff: alone (every two consecutive versions) or
// with a range (--diff=1..3; "--diff 1..3" is taken apart by the command).
type diffFlag struct {
	on  bool
	rng string
}

func (d *diffFlag) String() string   { return d.rng }
func (d *diffFlag) IsBoolFlag() bool { return true }

// Set takes true, false or a range.
func (d *diffFlag) Set(s string) error {
	d.on = s != "false"
	if s != "true" && s != "false" {
		d.rng = s
	}
	return nil
}

// versions reads the range: 0, 0 when none was given.
func (d *diffFlag) versions() (from, to int, err error) {
	if d.rng == "" {
		return 0, 0, nil
	}
	if _, err := fmt.Sscanf(d.rng, "%d..%d", &from, &to); err != nil || from < 1 || to < 1 || from == to {
		return 0, 0, fmt.Errorf("--diff %s: want A..B with two different version numbers, such as 1..3", d.rng)
	}
	return from, to, nil
}

// optionalInt is a number flag whose default depends on other flags: set
// says whether it was given (search's --limit: 20 for a table, every
// result in the other formats).
type optionalInt struct {
	n   int
	set bool
}

func (o *optionalInt) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.Itoa(o.n)
}

func (o *optionalInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	o.n, o.set = n, true
	return nil
}
