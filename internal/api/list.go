package api

import (
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// ListParams are the paging query parameters every list takes.
type ListParams struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10" doc:"Number of objects, 1–100."`
	StartingAfter string `query:"starting_after" doc:"Cursor: an object id; returns the objects created before it (the next page)."`
	EndingBefore  string `query:"ending_before" doc:"Cursor: an object id; returns the objects created after it (the previous page)."`
}

func (p ListParams) page() (store.Page, error) {
	if p.StartingAfter != "" && p.EndingBefore != "" {
		return store.Page{}, gateway.InvalidParam("ending_before", "parameter_conflict", "Send starting_after or ending_before, not both.")
	}
	return store.Page{Limit: p.Limit, StartingAfter: p.StartingAfter, EndingBefore: p.EndingBefore}, nil
}

// List is the envelope of every list response.
type List[T any] struct {
	Object  string `json:"object" enum:"list"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

func newList[T any](url string, data []T, hasMore bool) List[T] {
	if data == nil {
		data = []T{}
	}
	return List[T]{Object: "list", Data: data, HasMore: hasMore, URL: url}
}
