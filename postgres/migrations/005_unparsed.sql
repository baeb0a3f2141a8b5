-- Version 5 (needing no other after 003): the raw page found at an
-- article URL that no template of its site reads (extract's unknown
-- layout), by URL, kept for reextract to read once a later release reads
-- it, as bbolt's unparsed bucket keeps it. A page stored as an article
-- leaves it.
CREATE TABLE unparsed (
	url    text COLLATE "C" PRIMARY KEY,
	header text NOT NULL, -- sppcrawl.RawPage as JSON, without the body
	body   bytea NOT NULL -- TOAST compresses it
);
