-- An archive holds many sites, and two of them may name a channel by the
-- same path: a channel's state is keyed by its site's host and its path,
-- and the site map is the site's. The records of an archive written before
-- are its site's: that of its first article, www.spp.gov.cn when it holds
-- none. Failures, gaps and rechecks are keyed by URL, which names the host.
ALTER TABLE channel_states ADD COLUMN site text COLLATE "C" NOT NULL DEFAULT '';
UPDATE channel_states SET site = coalesce(
	(SELECT lower(split_part(url, '/', 3)) FROM articles ORDER BY seq LIMIT 1), 'www.spp.gov.cn');
ALTER TABLE channel_states ALTER COLUMN site DROP DEFAULT;
ALTER TABLE channel_states DROP CONSTRAINT channel_states_pkey;
ALTER TABLE channel_states ADD PRIMARY KEY (site, path);
UPDATE meta SET key = 'sitemap/' || coalesce(
	(SELECT lower(split_part(url, '/', 3)) FROM articles ORDER BY seq LIMIT 1), 'www.spp.gov.cn')
	WHERE key = 'sitemap';
