package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"mach/sync/hub"
	"mach/sync/hub/postgres"
)

// hubStoreEnv names the variable that gives the hub's store when --store
// does not.
const hubStoreEnv = "MACH_HUB_STORE"

// hubStore is --store, else MACH_HUB_STORE: a PostgreSQL connection string,
// or empty for the bbolt file at --data.
func hubStore(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(hubStoreEnv)
}

// isPostgres reports whether store names a PostgreSQL database: a URL, or
// key=value pairs ("host=/run/postgresql dbname=mach").
func isPostgres(store string) bool {
	return strings.HasPrefix(store, "postgres://") || strings.HasPrefix(store, "postgresql://") || strings.Contains(store, "=")
}

// storeName is how messages name a PostgreSQL store: its database and
// hosts, never its password.
func storeName(store string) string {
	cfg, err := pgconn.ParseConfig(store)
	if err != nil {
		return "PostgreSQL"
	}
	hosts := []string{cfg.Host}
	for _, f := range cfg.Fallbacks {
		if f.Host != cfg.Host {
			hosts = append(hosts, f.Host)
		}
	}
	return "postgres " + cfg.Database + "@" + strings.Join(hosts, ",")
}

// openHubStorage opens the hub's storage: the PostgreSQL database of store
// when it names one, else the bbolt file at path. It returns the name to
// show for it (the file, or the database without its password).
func openHubStorage(ctx context.Context, e env, store, path string) (hub.Storage, string, error) {
	switch {
	case store == "":
		st, err := hub.OpenBolt(path, hub.BoltOptions{Logger: e.log})
		switch {
		case errors.Is(err, hub.ErrLocked):
			return nil, "", userError{sentence: e.tr.T("hub.locked", path), err: err}
		case errors.Is(err, hub.ErrNewerSchema):
			return nil, "", userError{sentence: e.tr.T("hub.newer_schema", path), err: err}
		case err != nil:
			return nil, "", userError{sentence: e.tr.T("cli.open_failed", path, err), err: err}
		}
		return st, path, nil
	case !isPostgres(store):
		return nil, "", userError{sentence: e.tr.T("hub.bad_store", store)}
	}
	name := storeName(store)
	if _, err := pgconn.ParseConfig(store); err != nil {
		return nil, "", userError{sentence: e.tr.T("hub.bad_store", name), err: err}
	}
	st, err := postgres.Open(ctx, store, postgres.Options{Logger: e.log})
	switch {
	case errors.Is(err, hub.ErrNewerSchema):
		return nil, "", userError{sentence: e.tr.T("hub.newer_schema", name), err: err}
	case err != nil:
		e.log.Error("open postgres", "store", name, "err", err)
		return nil, "", userError{sentence: e.tr.T("hub.store_failed", name, err), err: err}
	}
	return st, name, nil
}
