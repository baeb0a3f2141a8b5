-- Version 2: what processes sharing the archive coordinate through, and
-- the articles as stored chunks for gzip answers.

-- leases: a key (a channel's walk, push's deliveries) held by one process
-- until expires, renewed while it works. Times are the server's clock, so
-- machines whose clocks disagree still agree on who holds what.
CREATE TABLE leases (
	key     text COLLATE "C" PRIMARY KEY,
	holder  text NOT NULL,
	expires timestamptz NOT NULL
);

-- host_pace: the start of the last request booked to a host by any
-- process, so politeness holds across processes.
CREATE TABLE host_pace (
	host text COLLATE "C" PRIMARY KEY,
	next timestamptz NOT NULL
);

-- chunk: an article's JSON as a DEFLATE chunk (sppcrawl.Chunk), written
-- with it, so gzip answers splice stored bytes instead of compressing per
-- request (what bbolt does). NULL in rows written before: compressed when
-- read.
ALTER TABLE articles ADD COLUMN chunk bytea, ADD COLUMN chunk_crc bigint, ADD COLUMN chunk_len integer;
