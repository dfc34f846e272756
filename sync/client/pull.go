package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"mach/sync/document"
	"mach/sync/protocol"
	"mach/sync/store"
)

// pull fetches other devices' records after the store's cursor, page by
// page until the hub has no more, and merges each page into the store with
// its cursor in one transaction. It returns how many records came and how
// many versions were set aside as conflicts. Newer checklists and profiles
// that come along are kept in the store (see keepDocuments).
func (c *Client) pull(ctx context.Context, st *store.Store) (pulled, conflicts int, err error) {
	state, err := st.SyncState()
	if err != nil {
		return 0, 0, err
	}
	have := map[string]int{}
	for _, kind := range []string{protocol.DocChecklist, protocol.DocProfile} {
		if have[kind], _, err = st.Document(kind); err != nil {
			return 0, 0, err
		}
	}
	cursor := state.Cursor
	for {
		var page protocol.PullResponse
		query := url.Values{
			"after":                 {strconv.FormatUint(cursor, 10)},
			protocol.QueryChecklist: {strconv.Itoa(have[protocol.DocChecklist])},
			protocol.QueryProfile:   {strconv.Itoa(have[protocol.DocProfile])},
		}
		if err := c.call(ctx, http.MethodGet, protocol.PathPull, query, nil, &page); err != nil {
			return pulled, conflicts, err
		}
		if len(page.Records) > protocol.MaxPullRecords || page.More && page.Cursor <= cursor {
			return pulled, conflicts, fmt.Errorf("%w: a pull after %d answered %d records, cursor %d, more %v",
				ErrHub, cursor, len(page.Records), page.Cursor, page.More)
		}
		if err := c.keepDocuments(st, page.Documents, have); err != nil {
			return pulled, conflicts, err
		}
		_, set, err := st.ApplyRemote(page.Records, page.Cursor)
		if err != nil {
			return pulled, conflicts, fmt.Errorf("merge pulled records: %w", err)
		}
		pulled, conflicts, cursor = pulled+len(page.Records), conflicts+set, page.Cursor
		if !page.More {
			return pulled, conflicts, nil
		}
	}
}

// keepDocuments stores each document above the version in have, and notes
// its version there. A document that does not parse is logged and left out.
func (c *Client) keepDocuments(st *store.Store, docs []protocol.Document, have map[string]int) error {
	for _, d := range docs {
		if _, known := have[d.Kind]; !known || d.Version <= have[d.Kind] {
			continue
		}
		if err := document.Check(d); err != nil {
			c.log.Warn("ignored a broken document from the hub", "kind", d.Kind, "id", d.ID, "version", d.Version, "err", err)
			continue
		}
		if err := st.SetDocument(d.Kind, d.Version, d.Data); err != nil {
			return fmt.Errorf("keep the %s from the hub: %w", d.Kind, err)
		}
		have[d.Kind] = d.Version
		c.log.Info("received a newer document", "kind", d.Kind, "id", d.ID, "version", d.Version)
	}
	return nil
}
