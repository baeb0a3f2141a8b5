-- The archive, version 1. Documents are kept as the JSON bbolt keeps (text,
-- not jsonb: jsonb reorders keys, and the export is these bytes); the
-- columns beside them are what queries look up.

-- counters: 'seq' (the last seq handed out) and 'generation' (bumped by
-- every change of exported data). The 'seq' row is locked by every
-- transaction that changes an article, which orders seqs by commit.
CREATE TABLE counters (
	name  text COLLATE "C" PRIMARY KEY,
	value bigint NOT NULL
);
INSERT INTO counters VALUES ('seq', 0), ('generation', 0);

-- meta: single documents (the last run, the site map).
CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);

CREATE TABLE raw_pages (
	key    bigserial PRIMARY KEY,
	id     text NOT NULL,
	header text NOT NULL, -- sppcrawl.RawPage as JSON, without the body
	body   bytea NOT NULL -- TOAST compresses it
);
CREATE INDEX raw_pages_id ON raw_pages (id);

CREATE TABLE articles (
	id           text COLLATE "C" PRIMARY KEY,
	seq          bigint NOT NULL UNIQUE,
	url          text NOT NULL,
	channel_path text COLLATE "C" NOT NULL,
	published    bigint NOT NULL, -- unix seconds
	content_hash text NOT NULL,
	has_cases    boolean NOT NULL,
	withdrawn    boolean NOT NULL,
	missing      integer NOT NULL, -- media refs recorded missing
	due          integer NOT NULL, -- media refs neither archived nor missing: the media phase's due list
	checked      bigint NOT NULL,  -- unix nanoseconds of the last check
	raw_key      bigint REFERENCES raw_pages (key),
	doc          text NOT NULL     -- the article's exported JSON
);
CREATE INDEX articles_channel ON articles (channel_path, published, id);
CREATE INDEX articles_checked ON articles (checked, id);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE INDEX articles_cases ON articles (seq) WHERE has_cases;
CREATE INDEX articles_due ON articles (id) WHERE due > 0;

-- urls: every URL an article was stored under, canonical or alias.
CREATE TABLE urls (
	url text COLLATE "C" PRIMARY KEY,
	id  text NOT NULL
);
CREATE TABLE case_numbers (
	number text COLLATE "C" PRIMARY KEY,
	id     text NOT NULL
);

-- versions: the versions replaced, kept whole.
CREATE TABLE versions (
	id      text COLLATE "C" NOT NULL,
	version integer NOT NULL,
	raw_key bigint REFERENCES raw_pages (key),
	doc     text NOT NULL, -- {version, content_hash, stored_at, replaced_at, article}
	PRIMARY KEY (id, version)
);

CREATE TABLE events (
	seq bigint PRIMARY KEY,
	doc text NOT NULL -- sppcrawl.Event as JSON
);

CREATE TABLE gone (
	id  text COLLATE "C" PRIMARY KEY,
	doc text NOT NULL -- {at, run, reason}
);

CREATE TABLE channel_states (
	path text COLLATE "C" PRIMARY KEY,
	doc  text NOT NULL
);
CREATE TABLE failures (
	url text COLLATE "C" PRIMARY KEY,
	doc text NOT NULL
);
CREATE TABLE seen (
	url     text COLLATE "C" PRIMARY KEY,
	channel text COLLATE "C" NOT NULL,
	title   text NOT NULL
);

CREATE TABLE media (
	sha  text COLLATE "C" PRIMARY KEY,
	size bigint NOT NULL,
	doc  text NOT NULL, -- sppcrawl.MediaInfo as JSON
	body bytea NOT NULL
);
CREATE TABLE media_urls (
	url text COLLATE "C" PRIMARY KEY,
	sha text NOT NULL
);

CREATE TABLE subscriptions (
	id  text COLLATE "C" PRIMARY KEY,
	doc text NOT NULL
);
CREATE TABLE deliveries (
	id  text COLLATE "C" NOT NULL,
	at  bigint NOT NULL, -- unix nanoseconds
	doc text NOT NULL,
	PRIMARY KEY (id, at)
);
