package store

import (
	"fmt"
	"slices"
	"time"

	"sppcrawl"

	bolt "go.etcd.io/bbolt"
)

// An article the site lists in two channels is stored once, under the URL
// of its own channel (sppcrawl.BetterHomeIn its site), whatever order its URLs were met
// in; the others are its aliases. An upsert applies the rule as each URL
// arrives (rehome), and the upgrade to schema 3 applies it to archives whose
// releases kept the first URL seen (migrate2to3).

// rehome makes in's URL, a page of a's own id, the canonical URL of a when
// it is a better home than a's (its page names its channel as in's
// channel_path): a's URL becomes an alias, a takes the channel in's page
// names, and in's page (rawVal, when not nil) becomes a's page, so that the
// archive holds the page of its canonical URL. It reports whether it did,
// and then has stored a (see reseqHome).
func rehome(tx *bolt.Tx, site sppcrawl.URLs, a, in *sppcrawl.Article, rawVal []byte, now time.Time) (bool, error) {
	if in.ID != a.ID || !sppcrawl.BetterHomeIn(site, a.URL, a.ChannelPath, in.URL, in.ChannelPath) {
		return false, nil
	}
	if err := moveHome(tx, a, in.URL, in.Channel, in.ChannelPath); err != nil {
		return false, err
	}
	if rawVal != nil {
		if err := putRawOf(tx, a.ID, rawVal); err != nil {
			return false, err
		}
	}
	return true, reseqHome(tx, a, now)
}

// reseqHome stores a, moved to another URL, under a new seq, with an
// updated event (its version unchanged): its url and channel changed, and
// pullers, feeds, push and the search index, which follow the seq log,
// learn it.
func reseqHome(tx *bolt.Tx, a *sppcrawl.Article, now time.Time) error {
	if err := dropSeq(tx, a.Seq); err != nil {
		return err
	}
	seq, err := tx.Bucket(bucketArticles).NextSequence()
	if err != nil {
		return err
	}
	a.Seq = seq
	if err := putArticle(tx, a, true); err != nil {
		return err
	}
	return putEvent(tx, sppcrawl.EventUpdated, a, now)
}

// moveHome makes url the canonical URL of a, in the channel name at path: a's
// URL joins its aliases, url leaves them, and the channel index and
// counters follow.
func moveHome(tx *bolt.Tx, a *sppcrawl.Article, url, name, path string) error {
	old := *a
	aliases := slices.DeleteFunc(slices.Clone(a.Aliases), func(s string) bool { return s == url })
	a.Aliases = append(aliases, a.URL)
	slices.Sort(a.Aliases)
	a.URL, a.Channel, a.ChannelPath = url, name, path
	if err := moveChanIdx(tx, &old, a); err != nil {
		return err
	}
	if old.ChannelPath == a.ChannelPath {
		return nil
	}
	for _, step := range []func() error{
		func() error { return addFill(tx, &old, -1) },
		func() error { return addFill(tx, a, 1) },
		func() error { return addChannel(tx, old.ChannelPath, -1) },
		func() error { return addChannel(tx, a.ChannelPath, 1) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// migrate2to3 stores every cross-posted article under the URL of its own
// channel, as upserts now do, ids and versions unchanged (a new seq: see
// reseqHome). Only the canonical URL's page is kept, so an alias's page is
// taken to name the channel of its folder, as the site's pages do; an alias
// in a channel whose name the archive does not know stays an alias. The
// page of each moved article's new URL, and of any article whose archived
// page is another URL's (an earlier release moved it without its page), is
// fetched by the next crawl.
func migrate2to3(tx *bolt.Tx) (string, error) {
	now := time.Now()
	var moved, unpaged []*sppcrawl.Article
	err := tx.Bucket(bucketArticles).ForEach(func(_, v []byte) error {
		a, err := decodeArticle(v)
		if err != nil || a == nil {
			return nil // what does not decode is verify's to report, and stays as it is
		}
		switch url, name, path := bestHome(tx, a); {
		case url != a.URL:
			if err := moveHome(tx, a, url, name, path); err != nil {
				return fmt.Errorf("rehome %s: %w", a.ID, err)
			}
			moved = append(moved, a) // stored after the walk: a bucket is not written while its cursor walks it
		case !pageArchived(tx, a):
			unpaged = append(unpaged, a)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	for _, a := range moved {
		if err := reseqHome(tx, a, now); err != nil {
			return "", fmt.Errorf("rehome %s: %w", a.ID, err)
		}
	}
	for _, a := range append(moved, unpaged...) {
		if err := fetchHome(tx, a, now); err != nil {
			return "", fmt.Errorf("rehome %s: %w", a.ID, err)
		}
	}
	return fmt.Sprintf("cross-posts moved to the URL of their own channel: %d (the earlier URL kept as an alias); pages of a canonical URL to fetch: %d (the next crawl fetches them)",
		len(moved), len(moved)+len(unpaged)), nil
}

// pageArchived reports whether the archived page of a is the page of its
// canonical URL; an article without a page, or whose page does not decode,
// is verify's to report.
func pageArchived(tx *bolt.Tx, a *sppcrawl.Article) bool {
	key := rawKeyOf(tx, a.ID)
	if key == 0 {
		return true
	}
	hdr, err := rawHeader(tx.Bucket(bucketRaw).Get(u64(key)))
	return err != nil || hdr.URL == a.URL
}

// fetchHome has the next crawl fetch the page of a's canonical URL, which
// the archive does not hold (it kept the page of the URL a was moved from):
// the failure log makes it due now, and the page fetched replaces the one
// kept, as a repair does.
func fetchHome(tx *bolt.Tx, a *sppcrawl.Article, now time.Time) error {
	why := "the page of the canonical URL is not archived yet (the article was moved to its own channel)"
	if err := tx.Bucket(bucketRepair).Put([]byte(a.ID), []byte(why)); err != nil {
		return err
	}
	f := sppcrawl.Failure{URL: a.URL, Channel: a.ChannelPath, LastError: why, LastTry: now, NextRetry: now}
	return putJSON(tx.Bucket(bucketFailures), a.URL, f)
}

// bestHome is the URL among a's own and its aliases of a's id that is its
// best home, with the channel that URL's page names.
func bestHome(tx *bolt.Tx, a *sppcrawl.Article) (url, name, path string) {
	url, name, path = a.URL, a.Channel, a.ChannelPath
	// The releases that wrote schema 2 archived www.spp.gov.cn alone, so
	// the upgrade reads the aliases by its layout and table, whatever site
	// the archive is opened for.
	schema2Site := sppcrawl.LegacySite()
	for _, alias := range a.Aliases {
		if schema2Site.ArticleID(alias) != a.ID {
			continue // the same text under another id: not a page of this article
		}
		p := schema2Site.ChannelPath(alias)
		n := channelName(tx, p)
		if p == a.ChannelPath {
			n = a.Channel
		}
		if n != "" && sppcrawl.BetterHomeIn(schema2Site, url, path, alias, p) {
			url, name, path = alias, n, p
		}
	}
	return url, name, path
}

// channelName is the name of the channel at path: the table of
// www.spp.gov.cn's (see legacySite), else the one its list page gave a
// run; "" when neither is known.
func channelName(tx *bolt.Tx, path string) string {
	if c := sppcrawl.LegacySite().ChannelByPath(path); c.Name != "" {
		return c.Name
	}
	var st sppcrawl.ChannelState
	if ok, err := getJSON(tx.Bucket(bucketChannels), path, &st); ok && err == nil {
		return st.Name
	}
	return ""
}
