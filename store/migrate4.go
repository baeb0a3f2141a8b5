package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrate3to4 upgrades an archive of one site (schema 3) to one of many:
// the records of its channels (state, walk, health, drift) are keyed by the
// site's host before the path, the field counts are counted again per
// site and channel, and the site map is the site's. The site is that of
// the archive's articles, www.spp.gov.cn when it holds none. Failures,
// gaps and rechecks are keyed by URL, which names the host: they stay.
func migrate3to4(tx *bolt.Tx) (string, error) {
	host := archiveHost(tx)
	n, err := rekeyChannels(tx.Bucket(bucketChannels), host)
	if err != nil {
		return "", fmt.Errorf("channel states: %w", err)
	}
	if err := tx.DeleteBucket(bucketFill); err != nil {
		return "", fmt.Errorf("field counts: %w", err)
	}
	if _, err := tx.CreateBucket(bucketFill); err != nil {
		return "", fmt.Errorf("field counts: %w", err)
	}
	if err := countFills(tx); err != nil {
		return "", fmt.Errorf("count filled fields: %w", err)
	}
	meta, moved := tx.Bucket(bucketMeta), ""
	if v := meta.Get(keySiteMap); v != nil {
		if err := meta.Put(siteMapKey(host), bytes.Clone(v)); err != nil {
			return "", fmt.Errorf("site map: %w", err)
		}
		if err := meta.Delete(keySiteMap); err != nil {
			return "", fmt.Errorf("site map: %w", err)
		}
		moved = " and its site map"
	}
	return fmt.Sprintf("%d channel states%s kept as %s's (an archive holds many sites now)", n, moved, host), nil
}

// rekeyChannels puts host before the path of every channel record keyed
// by its path alone.
func rekeyChannels(b *bolt.Bucket, host string) (int, error) {
	var keys [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		if bytes.HasPrefix(k, []byte("/")) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		v := bytes.Clone(b.Get(k))
		if err := b.Put([]byte(siteChanKey(host, string(k))), v); err != nil {
			return 0, err
		}
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
