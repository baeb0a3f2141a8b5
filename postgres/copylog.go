package postgres

import (
	"encoding/json"
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
	for _, st := range sts {
		if err := putDoc(c.ctx, c.tx, "INSERT INTO channel_states (path, doc) VALUES ($1, $2)", st.Path, st); err != nil {
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
	return c.meta()
}

func (c *copier) meta() error {
	if r, ok, err := c.src.LastRun(c.ctx); err != nil {
		return err
	} else if ok {
		if err := putDoc(c.ctx, c.tx, "INSERT INTO meta (key, value) VALUES ($1, $2)", "last-run", r); err != nil {
			return err
		}
	}
	m, err := c.src.SiteMap(c.ctx)
	if err != nil || len(m.Channels) == 0 && m.DiscoveredAt.IsZero() {
		return err
	}
	return putDoc(c.ctx, c.tx, "INSERT INTO meta (key, value) VALUES ($1, $2)", "sitemap", m)
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
