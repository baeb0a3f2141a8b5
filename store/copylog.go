package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

// copyPage is how many events a copy reads at a time.
const copyPage = 1000

// events copies push's outbox, event for event.
func (c *copier) events() error {
	for after := uint64(0); ; {
		evs, err := c.src.Events(c.ctx, after, copyPage)
		if err != nil {
			return err
		}
		err = c.db.write(c.ctx, func(tx *bolt.Tx) error {
			for _, e := range evs {
				v, err := json.Marshal(e)
				if err != nil {
					return err
				}
				if err := tx.Bucket(bucketEvents).Put(u64(e.Seq), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.rep.Events += len(evs)
		if len(evs) < copyPage {
			return nil
		}
		after = evs[len(evs)-1].Seq
	}
}

// media copies the files and their index before the articles, so that
// what an article's due list holds is what the archive lacks.
func (c *copier) media() error {
	err := c.src.ForEachMedia(c.ctx, func(m sppcrawl.MediaInfo) error {
		_, path, err := c.src.Media(c.ctx, m.SHA256)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("media %s: %w", m.SHA256, err)
		}
		if err := c.db.writeMediaFile(m.SHA256, body); err != nil {
			return fmt.Errorf("media %s: %w", m.SHA256, err)
		}
		c.rep.Media++
		return c.db.write(c.ctx, func(tx *bolt.Tx) error {
			_, err := indexMedia(tx, m)
			return err
		})
	})
	if err != nil {
		return err
	}
	urls, err := c.src.MediaURLs(c.ctx)
	if err != nil {
		return err
	}
	return c.db.write(c.ctx, func(tx *bolt.Tx) error {
		for sha, us := range urls {
			for _, u := range us {
				if err := tx.Bucket(bucketMediaURL).Put([]byte(u), []byte(sha)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// crawlLog copies what crawls remember: failures, channel states, gaps,
// the last run and the site map, through the archive's own writes.
func (c *copier) crawlLog() error {
	fs, err := c.src.Failures(c.ctx, false, time.Time{})
	if err != nil {
		return err
	}
	for _, f := range fs {
		if _, err := c.db.RecordFailure(c.ctx, f); err != nil {
			return err
		}
	}
	sts, err := c.src.ChannelStates(c.ctx)
	if err != nil {
		return err
	}
	hosts := map[string]bool{c.db.site.Host(): true}
	for _, st := range sts {
		// Each site's records under its own host, as the source keeps them.
		site := cmp.Or(st.Site, c.db.site.Host())
		hosts[site] = true
		if err := c.db.putChannelState(c.ctx, site, st); err != nil {
			return err
		}
	}
	gaps, err := c.src.Gaps(c.ctx, "")
	if err != nil {
		return err
	}
	for _, g := range gaps {
		if err := c.db.MarkSeen(c.ctx, g.Channel, []sppcrawl.Seen{{URL: g.URL, Title: g.Title}}); err != nil {
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
		if err := c.db.PutRun(c.ctx, r); err != nil {
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
		if err := c.db.putSiteMap(c.ctx, h, m); err != nil {
			return err
		}
	}
	return nil
}

// subscriptions copies push's subscriptions with their delivery logs,
// oldest delivery first as they were logged.
func (c *copier) subscriptions() error {
	subs, err := c.src.Subscriptions(c.ctx)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if err := c.db.PutSubscription(c.ctx, s); err != nil {
			return err
		}
		ds, err := c.src.Deliveries(c.ctx, s.ID, keptDeliveries)
		if err != nil {
			return err
		}
		for i := len(ds) - 1; i >= 0; i-- {
			if _, err := c.db.RecordDelivery(c.ctx, s.ID, ds[i], func(*sppcrawl.Subscription) {}); err != nil {
				return err
			}
		}
	}
	return nil
}
