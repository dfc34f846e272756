package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"mach/sync/protocol"
	"mach/sync/store"
)

// pull fetches other devices' records after the store's cursor, page by
// page until the hub has no more, and merges each page into the store with
// its cursor in one transaction. It returns how many records came and how
// many versions were set aside as conflicts.
func (c *Client) pull(ctx context.Context, st *store.Store) (pulled, conflicts int, err error) {
	state, err := st.SyncState()
	if err != nil {
		return 0, 0, err
	}
	cursor := state.Cursor
	for {
		var page protocol.PullResponse
		query := url.Values{"after": {strconv.FormatUint(cursor, 10)}}
		if err := c.call(ctx, http.MethodGet, protocol.PathPull, query, nil, &page); err != nil {
			return pulled, conflicts, err
		}
		if len(page.Records) > protocol.MaxPullRecords || page.More && page.Cursor <= cursor {
			return pulled, conflicts, fmt.Errorf("%w: a pull after %d answered %d records, cursor %d, more %v",
				ErrHub, cursor, len(page.Records), page.Cursor, page.More)
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
