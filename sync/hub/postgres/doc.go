// Package postgres is the hub's storage (hub.Storage) in a PostgreSQL
// database, for a national deployment or a province that cannot afford to
// lose its one server: the same answers as hub.Bolt, the same sentinel
// errors of package hub, the same answers to replays, the same summaries
// (computed by sync/report, as Bolt does) and the same export.
//
// # Running it
//
// Open takes a connection string, as a URL or key=value pairs, that may
// list several hosts:
//
//	host=db1,db2 port=5432,5432 dbname=mach user=mach target_session_attrs=read-write
//
// pgx tries the hosts in order and keeps the first that takes writes, so
// after a failover the promoted standby is found by the next connection.
// The schema is made and migrated by Open, in one transaction under a
// lock (several hubs may start at once); a database of a newer schema is
// refused with hub.ErrNewerSchema. Migrate copies a bbolt hub into an
// empty database so that no laptop notices: same tokens, cursors, seqs.
//
// # Settings that matter
//
// A push is acknowledged when its transaction commits. For an
// acknowledgement to survive the loss of the primary, the standby must have
// the commit first: on the primary, synchronous_standby_names = '*' (or
// the standby's name) and synchronous_commit = on (the default). With
// asynchronous replication a promoted standby may lack the pushes
// acknowledged last: the laptops then start a new epoch and push their
// current records again, but older versions those pushes held are gone. Keep
// synchronous_standby_names out of the configuration a standby copies
// (ALTER SYSTEM on the primary after pg_basebackup, as pgtest does), or a
// standby promoted alone waits for a standby it does not have. fsync
// must stay on in production; the tests turn it off.
//
// # What is serialised, what is shared
//
// Everything a laptop sees is in the database, shared by every hub
// process on it: records and their log, the dedup keys, devices, tokens
// and codes (hashed, as Bolt keeps them), documents, deadlines, last
// contacts, sync events, kept summaries. A push takes an advisory
// transaction lock on its device (whichever hub it reaches), then on its
// unit when it logs versions; the cursors of a unit are taken under the
// unit's lock, so they grow in commit order and a pull after a cursor
// never misses a version committed later. Each hub process has its own
// pool, rate limiter, admin token file and background refresh of the
// summaries (which writes only rows as new as or newer than those kept).
//
// A failure of the database (a lost connection, a server restarting, a
// failover under way) fails the call with an error that is none of hub's
// sentinels: the HTTP API answers 500 and the laptop tries again, which a
// push, being idempotent, allows. Serialization failures and deadlocks,
// and statements that never reached the server, are tried again here.
//
// It must not be imported by laptops' code: it is the hub's.
package postgres
