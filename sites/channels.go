package sites

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"sppcrawl"
)

// Of is the site an article or a stored URL's host is of: the registry's
// site of that host, else the default. What hands the archive out (feeds,
// pages, search) names a site's channels and links through it, never
// through spp's constants.
func Of(host string) sppcrawl.Site {
	if host == "" {
		return Default()
	}
	if s, err := Lookup(host); err == nil {
		return s
	}
	return Default()
}

// OfURL is the site of a URL's host (Of).
func OfURL(u string) sppcrawl.Site { return Of(sppcrawl.URLHost(u)) }

// SelectChannels resolves a comma-separated list of the channels of s:
// keys (tt,jczdal) and names, looked up in the site's table and then in
// known (the channels discovered on it), or folders of the site (/spp/zdgz/,
// also outside the table, or a URL of the site ending in one). An empty
// list is the site's table.
func SelectChannels(s sppcrawl.Site, list string, known ...sppcrawl.Channel) ([]sppcrawl.Channel, error) {
	if strings.TrimSpace(list) == "" {
		return s.Channels(), nil
	}
	var out []sppcrawl.Channel
	seen := map[string]bool{}
	for k := range strings.SplitSeq(list, ",") {
		c, ok, err := selectChannel(s, strings.TrimSpace(k), known)
		if err != nil {
			return nil, err
		}
		if ok && !seen[c.Path] {
			out, seen[c.Path] = append(out, c), true
		}
	}
	return out, nil
}

// selectChannel is the channel of s that k names; false for a blank k.
func selectChannel(s sppcrawl.Site, k string, known []sppcrawl.Channel) (sppcrawl.Channel, bool, error) {
	if k == "" {
		return sppcrawl.Channel{}, false, nil
	}
	if strings.Contains(k, "/") {
		p, err := channelPathOf(s, k)
		return s.ChannelByPath(p), err == nil, err
	}
	for _, c := range append(s.Channels(), known...) {
		if c.Key == k || c.Name == k {
			return c, true, nil
		}
	}
	return sppcrawl.Channel{}, false, fmt.Errorf("unknown channel %q (see sppcrawl channels; a folder of the site such as /spp/zdgz/ is accepted too)", k)
}

// channelPathOf reads a folder of s given as a path (/spp/zdgz, or a URL of
// the site ending in it, or its index page) as /spp/zdgz/. Anything
// outside the site or with odd characters is refused.
func channelPathOf(s sppcrawl.Site, k string) (string, error) {
	if strings.Contains(k, "..") {
		return "", fmt.Errorf("channel %q: \"..\" is not allowed: want a folder of the site such as /spp/zdgz/", k)
	}
	u, err := s.CanonicalURL(k)
	if err != nil {
		return "", fmt.Errorf("channel %q: %w", k, err)
	}
	p := strings.TrimPrefix(u, s.Origin())
	if base := path.Base(p); strings.HasPrefix(base, "index") && strings.Contains(base, ".") {
		p = path.Dir(p)
	}
	p = strings.TrimSuffix(p, "/") + "/"
	if p == "/" || strings.ContainsAny(p, "?#%\\\"'<> ") || strings.Contains(p, "..") {
		return "", fmt.Errorf("channel %q: want a folder of the site such as /spp/zdgz/", k)
	}
	return p, nil
}

// InTable reports whether the channel at path is one of s's table.
func InTable(s sppcrawl.Site, path string) bool {
	for _, c := range s.Channels() {
		if c.Path == path {
			return true
		}
	}
	return false
}

// ChannelByPath is the channel at path in the table of the site that has
// it: the default site's first, then the others' in the registry's order
// (a path is one site's folder: /spp/…, /12309/…); a channel no table
// has is named by the folder's key (Channel.Key), as the default site
// names it.
func ChannelByPath(path string) sppcrawl.Channel { return sppcrawl.ChannelIn(tables, path) }

// Tables are the channels of every built-in site's table, the default
// site's first: what a channel key or name given to the archive's readers
// (a page, the API, search) may name besides the default site's.
func Tables() []sppcrawl.Channel { return slices.Clone(tables) }

// tables are the built-in tables, read once: the pages name a channel by
// its path for every row they show.
var tables = tablesOf(registry)

func tablesOf(sites []sppcrawl.Site) []sppcrawl.Channel {
	var out []sppcrawl.Channel
	for _, s := range sites {
		out = append(out, s.Channels()...)
	}
	return out
}
