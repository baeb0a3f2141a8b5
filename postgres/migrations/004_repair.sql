-- Version 4: what verify and reextract mark, and what verify --repair
-- sets aside.

-- repairs: articles whose stored page was found cut short (or not to
-- decode): the next crawl fetches them (a failure due now) and stores the
-- page it gets even when the article is unchanged. Storing a page for the
-- article removes its row.
CREATE TABLE repairs (
	id  text COLLATE "C" PRIMARY KEY,
	why text NOT NULL
);

-- quarantine: rows that did not decode, moved aside by verify --repair,
-- never deleted: the table they were in, their key there, the article
-- they belonged to, why, and the row itself as JSON (its columns, bytea
-- as base64).
CREATE TABLE quarantine (
	key     bigserial PRIMARY KEY,
	tbl     text NOT NULL,
	row_key text NOT NULL,
	id      text COLLATE "C",
	why     text NOT NULL,
	at      timestamptz NOT NULL,
	row     jsonb NOT NULL
);
