-- The hub's tables. Text that is a key or is compared sorts byte by byte
-- (COLLATE "C"), as bbolt's keys and Go's strings do.

-- Every distinct record version once, as the device sent it. seq is the
-- cursor: taken from log_seq while the unit's lock is held, so a unit's
-- cursors grow in commit order and a pull after a cursor never misses a
-- version committed later. A record's current version is its latest by
-- (vtime, vdevice), found when read.
CREATE TABLE log (
	unit    text COLLATE "C" NOT NULL,
	seq     bigint NOT NULL,
	device  text COLLATE "C" NOT NULL,
	id      text COLLATE "C" NOT NULL,
	kind    text COLLATE "C" NOT NULL,
	vtime   bigint NOT NULL,
	vdevice text COLLATE "C" NOT NULL,
	data    bytea NOT NULL,
	-- The unit's log: pulls, current versions, exports.
	PRIMARY KEY (unit, seq),
	-- Dedup on (id, version), and every version of a record.
	CONSTRAINT log_version UNIQUE (id, vtime, vdevice)
);
CREATE SEQUENCE log_seq AS bigint OWNED BY log.seq;

-- Dedup on (device, epoch, seq): the seqs each push added, first to last,
-- as one run, with the version each came with (ids[i], vtimes[i] of seq
-- first+i-1; its device is the seq's device). Runs of a device's epoch
-- never overlap: each starts right after what was held.
CREATE TABLE seq_runs (
	device text COLLATE "C" NOT NULL,
	epoch  bigint NOT NULL,
	last   bigint NOT NULL,
	first  bigint NOT NULL,
	ids    text[] NOT NULL,
	vtimes bigint[] NOT NULL,
	PRIMARY KEY (device, epoch, last),
	CHECK (cardinality(ids) = last - first + 1 AND cardinality(vtimes) = cardinality(ids))
);
-- A run's arrays are written once and read back rarely (replays): kept out
-- of line without the cost of compressing them.
ALTER TABLE seq_runs ALTER COLUMN ids SET STORAGE EXTERNAL, ALTER COLUMN vtimes SET STORAGE EXTERNAL;

-- The latest version time each device logged: a version of the device
-- later than it is not held, and needs no lookup.
CREATE TABLE device_clocks (
	device text COLLATE "C" PRIMARY KEY,
	vmax   bigint NOT NULL
);

-- The highest contiguous seq held of each device's epoch.
CREATE TABLE acked (
	device text COLLATE "C" NOT NULL,
	epoch  bigint NOT NULL,
	acked  bigint NOT NULL,
	PRIMARY KEY (device, epoch)
);

-- Each unit's last logged seq: a summary made before it is out of date.
CREATE TABLE heads (
	unit text COLLATE "C" PRIMARY KEY,
	seq  bigint NOT NULL
);

-- The pushes that stored records: when, the log's seq after them, how many
-- versions, by which device.
CREATE TABLE syncs (
	unit    text COLLATE "C" NOT NULL,
	at_us   bigint NOT NULL,
	seq     bigint NOT NULL,
	records integer NOT NULL,
	device  text COLLATE "C" NOT NULL,
	PRIMARY KEY (unit, at_us, seq)
);

-- Each unit's summary (sync/hub's compact row) as of the head seq and the
-- checklist version (0: the shipped one) it was computed for.
CREATE TABLE summaries (
	unit      text COLLATE "C" PRIMARY KEY,
	seq       bigint NOT NULL,
	checklist integer NOT NULL,
	data      bytea NOT NULL
);

-- When a device of the unit last pulled, in microseconds since 1970.
CREATE TABLE seen (
	unit  text COLLATE "C" PRIMARY KEY,
	at_us bigint NOT NULL
);

CREATE TABLE devices (
	id         text COLLATE "C" PRIMARY KEY,
	unit       text COLLATE "C" NOT NULL,
	name       text NOT NULL,
	enrolled   timestamptz NOT NULL,
	revoked    timestamptz,
	token_hash bytea NOT NULL
);
-- The devices that work, counted by unit on the dashboard.
CREATE INDEX devices_unit ON devices (unit) WHERE revoked IS NULL;

-- Tokens by their SHA-256; id is the device's, or the coordinator's name.
CREATE TABLE tokens (
	hash    bytea PRIMARY KEY,
	role    text NOT NULL,
	id      text NOT NULL,
	created timestamptz
);

-- Enrolment codes by the SHA-256 of their letters.
CREATE TABLE codes (
	hash    bytea PRIMARY KEY,
	unit    text COLLATE "C" NOT NULL,
	expires timestamptz NOT NULL,
	used    timestamptz,
	device  text COLLATE "C"
);

-- The latest document of each kind, as JSON.
CREATE TABLE documents (
	kind    text COLLATE "C" PRIMARY KEY,
	version integer NOT NULL,
	doc     bytea NOT NULL
);

-- The sections' due dates, as JSON.
CREATE TABLE deadlines (
	section  text COLLATE "C" PRIMARY KEY,
	deadline bytea NOT NULL
);
