package sqlite

import (
	"context"

	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
	"github.com/kassapay/kassa/internal/webhook"
)

// InsertEvent implements store.Tx: the event takes its object's next sequence number.
func (s queries) InsertEvent(ctx context.Context, e webhook.Event) error {
	seq, err := s.q.NextObjectSequence(ctx, e.ObjectID)
	if err != nil {
		return mapErr(err)
	}
	return mapErr(s.q.InsertEvent(ctx, litedb.InsertEventParams{
		ID: e.ID, MerchantID: e.MerchantID, Livemode: e.Livemode, Type: string(e.Type), ObjectID: e.ObjectID,
		Sequence: seq, ApiVersion: e.APIVersion, Data: dbtype.JSON(e.Data), CreatedAt: ts(e.CreatedAt),
	}))
}
