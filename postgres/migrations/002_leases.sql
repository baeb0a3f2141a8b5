-- Version 2: what processes sharing the archive coordinate through.

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
