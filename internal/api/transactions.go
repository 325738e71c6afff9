package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// TransactionOutput wraps one transaction.
type TransactionOutput struct {
	Body gateway.TransactionObject
}

// TransactionListOutput is a page of transactions.
type TransactionListOutput struct {
	Body List[gateway.TransactionObject]
}

// ListTransactionsInput filters transactions.
type ListTransactionsInput struct {
	Limit         int       `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string    `query:"starting_after" doc:"Cursor: a transaction id; returns older transactions."`
	PaymentID     string    `query:"payment_id" maxLength:"64"`
	Type          string    `query:"type" enum:"authorize,capture,sale,void,refund"`
	Status        string    `query:"status" enum:"succeeded,failed,authorized,captured,voided,refunded" doc:"succeeded or failed; or, as document 002 names them, authorized, captured, voided, refunded: the succeeded transactions of type authorize, capture or sale, void, refund."`
	CreatedGTE    time.Time `query:"created[gte]"`
	CreatedLT     time.Time `query:"created[lt]"`
	Offset        int       `query:"offset" minimum:"0" maximum:"10000" doc:"Skip this many (document 002's paging); starting_after is faster."`
}

var getTransactionOp = huma.Operation{OperationID: "get-transaction", Method: http.MethodGet, Path: "/api/v1/transactions/{id}",
	Tags: []string{"Payments"}, Summary: "Retrieve a transaction"}

var listTransactionsOp = huma.Operation{OperationID: "list-transactions", Method: http.MethodGet, Path: "/api/v1/transactions",
	Tags: []string{"Payments"}, Summary: "List transactions", Description: "Every provider operation (authorize, capture, sale, void, refund), newest first."}

func (s *Server) getTransaction(ctx context.Context, in *GetSessionInput) (*TransactionOutput, error) {
	t, err := s.gw.GetTransaction(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &TransactionOutput{Body: gateway.TransactionView(t)}, nil
}

// transactionStatusTypes maps document 002's transaction statuses to Kassa's type of a succeeded transaction.
var transactionStatusTypes = map[string]string{"authorized": "authorize", "captured": "capture", "voided": "void", "refunded": "refund"}

func (s *Server) listTransactions(ctx context.Context, in *ListTransactionsInput) (*TransactionListOutput, error) {
	alsoType := ""
	if typ, ok := transactionStatusTypes[in.Status]; ok {
		also := ""
		if typ == "capture" {
			also = "sale" // a sale captures too
		}
		if in.Type != "" && in.Type != typ && in.Type != also {
			return nil, gateway.InvalidParam("status", "parameter_invalid", "status "+in.Status+" means type "+typ+"; it cannot be combined with type "+in.Type+".")
		}
		if in.Type == "" {
			in.Type, alsoType = typ, also
		}
		in.Status = "succeeded"
	}
	rows, more, err := s.gw.ListTransactionsOffset(ctx, merchantOf(ctx), store.TransactionFilter{
		PaymentID: in.PaymentID, Type: in.Type, AlsoType: alsoType, Status: in.Status, CreatedGTE: in.CreatedGTE, CreatedLT: in.CreatedLT,
		Page: store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter},
	}, in.Offset)
	if err != nil {
		return nil, err
	}
	views := make([]gateway.TransactionObject, 0, len(rows))
	for _, t := range rows {
		views = append(views, gateway.TransactionView(t))
	}
	return &TransactionListOutput{Body: newList(listTransactionsOp.Path, views, more)}, nil
}

// registerTransactions registers the routes of transactions.
func (s *Server) registerTransactions() {
	register(s, authSecret, getTransactionOp, s.getTransaction)
	register(s, authSecret, listTransactionsOp, s.listTransactions)
}
