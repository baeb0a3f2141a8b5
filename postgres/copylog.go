package postgres

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"sppcrawl"
)

// crawlLog copies what crawls remember: failures, channel states, gaps,
// the last run and the site map.
func (c *copier) crawlLog() error {
	fs, err := c.src.Failures(c.ctx, false, time.Time{})
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := putDoc(c.ctx, c.tx, "INSERT INTO failures (url, doc) VALUES ($1, $2)", f.URL, f); err != nil {
			return err
		}
	}
	sts, err := c.src.ChannelStates(c.ctx)
	if err != nil {
		return err
	}
	hosts := map[string]bool{defaultHost(): true}
	for _, st := range sts {
		site := cmp.Or(st.Site, defaultHost())
		hosts[site] = true
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		if _, err := c.tx.Exec(c.ctx, "INSERT INTO channel_states (site, path, doc) VALUES ($1, $2, $3)", site, st.Path, string(b)); err != nil {
			return err
		}
	}
	gaps, err := c.src.Gaps(c.ctx, "")
	if err != nil {
		return err
	}
	for _, g := range gaps {
		if _, err := c.tx.Exec(c.ctx, "INSERT INTO seen (url, channel, title) VALUES ($1, $2, $3)", g.URL, g.Channel, g.Title); err != nil {
			return err
		}
	}
	return c.meta(slices.Sorted(maps.Keys(hosts)))
}

// meta copies the last run and the site map of each site of hosts.
func (c *copier) meta(hosts []string) error {
	if r, ok, err := c.src.LastRun(c.ctx); err != nil {
		return err
	} else if ok {
		if err := putDoc(c.ctx, c.tx, "INSERT INTO meta (key, value) VALUES ($1, $2)", "last-run", r); err != nil {
			return err
		}
	}
	for _, h := range hosts {
		m, err := c.src.ForSite(sppcrawl.NewLayout(h, "")).SiteMap(c.ctx)
		if err != nil {
			return err
		}
		if len(m.Channels) == 0 && m.DiscoveredAt.IsZero() {
			continue
		}
		if err := putDoc(c.ctx, c.tx, "INSERT INTO meta (key, value) VALUES ($1, $2)", "sitemap/"+h, m); err != nil {
			return err
		}
	}
	return nil
}

// subscriptions copies push's subscriptions with their delivery logs.
func (c *copier) subscriptions() error {
	subs, err := c.src.Subscriptions(c.ctx)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if err := putDoc(c.ctx, c.tx, "INSERT INTO subscriptions (id, doc) VALUES ($1, $2)", s.ID, s); err != nil {
			return err
		}
		ds, err := c.src.Deliveries(c.ctx, s.ID, keptDeliveries)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := c.delivery(s.ID, d); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *copier) delivery(id string, d sppcrawl.Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = c.tx.Exec(c.ctx, "INSERT INTO deliveries (id, at, doc) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", id, d.At.UnixNano(), string(b))
	return err
}
