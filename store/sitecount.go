package store

import (
	"cmp"
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"sppcrawl"
)

var _ sppcrawl.SiteCounter = (*DB)(nil)

// CountBySite counts the articles of each site by the keys of the id
// index (an id starts with its site's key), reading one article of each
// site for its host: the archive is not read.
func (db *DB) CountBySite(ctx context.Context) ([]sppcrawl.SiteCount, error) {
	var out []sppcrawl.SiteCount
	err := db.view(ctx, func(tx *bolt.Tx) error {
		byKey := map[string]*sppcrawl.SiteCount{}
		err := tx.Bucket(bucketIDs).ForEach(func(k, _ []byte) error {
			key := sppcrawl.IDKey(string(k))
			sc := byKey[key]
			if sc == nil {
				sc = &sppcrawl.SiteCount{Key: key, Site: key}
				if r, err := getRecord(tx, string(k)); err == nil && r != nil {
					sc.Site = cmp.Or(r.Article.SiteHost(), key)
				}
				byKey[key] = sc
			}
			sc.Articles++
			return ctx.Err()
		})
		for _, sc := range byKey {
			out = append(out, *sc)
		}
		return err
	})
	slices.SortFunc(out, func(a, b sppcrawl.SiteCount) int { return cmp.Compare(a.Site, b.Site) })
	return out, err
}
