package postgres

import (
	"context"

	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
	"github.com/kassapay/kassa/internal/webhook"
)

// InsertEvent implements store.Tx in one statement that also takes the object's next sequence number, so that a
// transaction can hold it back and send it with its commit (pipeTx).
func (s queries) InsertEvent(ctx context.Context, e webhook.Event) error {
	return mapErr(s.q.InsertEvent(ctx, pgdb.InsertEventParams{
		ID: e.ID, MerchantID: e.MerchantID, Livemode: e.Livemode, Type: string(e.Type), ObjectID: e.ObjectID,
		ApiVersion: e.APIVersion, Data: dbtype.JSON(e.Data), CreatedAt: ts(e.CreatedAt),
	}))
}
