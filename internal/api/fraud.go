package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// FraudSettings are the merchant's fraud thresholds and rule weights, as GET/PATCH /api/v1/merchant show them.
type FraudSettings struct {
	ReviewThreshold  int            `json:"review_threshold" doc:"Scores at or above it are authorized but flagged (fraud_decision review). Default 40."`
	DeclineThreshold int            `json:"decline_threshold" doc:"Scores above it are declined (402, decline_code fraudulent) without a provider call. Default 70."`
	Weights          map[string]int `json:"weights" doc:"Points per rule when it fires fully (0 turns it off): blocklist, sandbox_fraud_card, card_velocity, ip_velocity, email_velocity, many_cards_per_ip, repeated_declines, amount_outlier."`
}

func fraudSettingsView(s fraud.Settings) *FraudSettings {
	w := make(map[string]int, len(s.Weights))
	for r, p := range s.Weights {
		w[string(r)] = p
	}
	return &FraudSettings{ReviewThreshold: s.ReviewThreshold, DeclineThreshold: s.DeclineThreshold, Weights: w}
}

// FraudSettingsPatch is the fraud object of PATCH /api/v1/merchant.
type FraudSettingsPatch struct {
	ReviewThreshold  *int           `json:"review_threshold,omitempty"`
	DeclineThreshold *int           `json:"decline_threshold,omitempty"`
	Weights          map[string]int `json:"weights,omitempty" doc:"Only the rules named change."`
}

// BlockEntry is one blocklist entry.
type BlockEntry struct {
	Object    string    `json:"object" enum:"blocklist_entry"`
	ID        string    `json:"id"`
	Livemode  bool      `json:"livemode"`
	Kind      string    `json:"kind" enum:"card_fingerprint,email,ip,bin"`
	Value     string    `json:"value" doc:"Canonical form: a card fingerprint (never a number), a lower-case email, an IP, 6–8 BIN digits."`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	Deleted   bool      `json:"deleted,omitempty"`
}

func blockView(e store.BlocklistEntry) BlockEntry {
	return BlockEntry{Object: "blocklist_entry", ID: e.ID, Livemode: e.Livemode, Kind: e.Kind, Value: e.Value, Reason: e.Reason, CreatedAt: e.CreatedAt}
}

// BlockOutput wraps one entry.
type BlockOutput struct {
	Status int
	Body   BlockEntry
}

// BlockListOutput is a page of entries.
type BlockListOutput struct {
	Body List[BlockEntry]
}

// CreateBlockInput is the body of POST /api/v1/blocklist.
type CreateBlockInput struct {
	Body struct {
		Kind           string `json:"kind" enum:"card_fingerprint,email,ip,bin"`
		Value          string `json:"value" maxLength:"254" doc:"For card_fingerprint, a payment's card fingerprint or the card number itself (only its fingerprint is kept)."`
		Reason         string `json:"reason,omitempty" maxLength:"500"`
		IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"255"`
	}
}

// ListBlocksInput filters the blocklist.
type ListBlocksInput struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string `query:"starting_after"`
	Kind          string `query:"kind" enum:"card_fingerprint,email,ip,bin"`
}

var createBlockOp = huma.Operation{OperationID: "create-blocklist-entry", Method: http.MethodPost, Path: "/api/v1/blocklist",
	Tags: []string{"Fraud"}, Summary: "Block a card, email, IP or BIN", DefaultStatus: http.StatusCreated,
	Description: "Card payments matching an entry score the blocklist rule's weight (100 by default: declined, decline_code fraudulent). " +
		"Blocking a value twice returns the existing entry (200). Errors: parameter_invalid (400, param kind or value)."}

var listBlocksOp = huma.Operation{OperationID: "list-blocklist", Method: http.MethodGet, Path: "/api/v1/blocklist",
	Tags: []string{"Fraud"}, Summary: "List the blocklist"}

var deleteBlockOp = huma.Operation{OperationID: "delete-blocklist-entry", Method: http.MethodDelete, Path: "/api/v1/blocklist/{id}",
	Tags: []string{"Fraud"}, Summary: "Remove a blocklist entry"}

func (s *Server) createBlock(ctx context.Context, in *CreateBlockInput) (*BlockOutput, error) {
	e, created, err := s.gw.AddBlock(ctx, merchantOf(ctx), gateway.BlockInput{Kind: in.Body.Kind, Value: in.Body.Value, Reason: in.Body.Reason})
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return &BlockOutput{Status: status, Body: blockView(e)}, nil
}

func (s *Server) listBlocks(ctx context.Context, in *ListBlocksInput) (*BlockListOutput, error) {
	rows, more, err := s.gw.ListBlocks(ctx, merchantOf(ctx), in.Kind, store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter})
	if err != nil {
		return nil, err
	}
	views := make([]BlockEntry, 0, len(rows))
	for _, e := range rows {
		views = append(views, blockView(e))
	}
	return &BlockListOutput{Body: newList(listBlocksOp.Path, views, more)}, nil
}

func (s *Server) deleteBlock(ctx context.Context, in *GetSessionInput) (*BlockOutput, error) {
	e, err := s.gw.RemoveBlock(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	v := blockView(e)
	v.Deleted = true
	return &BlockOutput{Status: http.StatusOK, Body: v}, nil
}

// registerFraud registers the routes of the fraud blocklist.
func (s *Server) registerFraud() {
	register(s, authSecret, createBlockOp, s.createBlock)
	register(s, authSecret, listBlocksOp, s.listBlocks)
	register(s, authSecret, deleteBlockOp, s.deleteBlock)
}
