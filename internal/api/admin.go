package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// The operator's admin API (document 000's reserved customer endpoints, DESIGN §15): the instance's shoppers,
// global across merchants, behind an admin key. Merchant keys of either kind get 401 here.

// Shopper is a shopper as the admin API returns it.
type Shopper struct {
	ID        string    `json:"id" doc:"shp_…"`
	Object    string    `json:"object" enum:"shopper"`
	Email     string    `json:"email" doc:"The verified e-mail address, normalized (lower case)."`
	CreatedAt time.Time `json:"created_at"`
}

// ShopperOutput is one shopper.
type ShopperOutput struct {
	Body Shopper
}

// SavedCard is a saved card without its number: brand, last 4 digits, expiry and who may charge it.
type SavedCard struct {
	ID        string    `json:"id" doc:"pm_…"`
	Object    string    `json:"object" enum:"payment_method"`
	Type      string    `json:"type" enum:"card"`
	Livemode  bool      `json:"livemode"`
	Brand     string    `json:"brand"`
	Last4     string    `json:"last4"`
	ExpMonth  int       `json:"exp_month"`
	ExpYear   int       `json:"exp_year"`
	Merchants []string  `json:"merchants" doc:"The merchants (mer_…) the shopper consented may charge the card."`
	CreatedAt time.Time `json:"created_at"`
}

// SavedCardListOutput is a shopper's saved cards.
type SavedCardListOutput struct {
	Body struct {
		Object string      `json:"object" enum:"list"`
		Data   []SavedCard `json:"data"`
	}
}

// ResolveShopperInput is the body of POST /api/admin/customers/resolve.
type ResolveShopperInput struct {
	Body struct {
		Email string `json:"email" maxLength:"254" doc:"The shopper's e-mail address; the shopper is made on first use."`
	}
}

// ShopperIDInput names a shopper.
type ShopperIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The shopper's id, shp_…"`
}

var resolveShopperOp = huma.Operation{OperationID: "admin-resolve-customer", Method: http.MethodPost, Path: "/api/admin/customers/resolve",
	Tags: []string{"Admin"}, Summary: "Resolve a shopper by e-mail",
	Description: "Returns the instance-wide shopper of the e-mail address, making it on first use. Admin key only: merchant keys get 401 " +
		"admin_key_required. Errors: email_invalid (param email)."}

var getShopperOp = huma.Operation{OperationID: "admin-get-customer", Method: http.MethodGet, Path: "/api/admin/customers/{id}",
	Tags: []string{"Admin"}, Summary: "Retrieve a shopper", Description: "Admin key only."}

var listShopperCardsOp = huma.Operation{OperationID: "admin-list-customer-payment-methods", Method: http.MethodGet,
	Path: "/api/admin/customers/{id}/payment-methods", Tags: []string{"Admin"}, Summary: "List a shopper's saved cards",
	Description: "Brand, last 4 digits and expiry of every saved card, live mode's first, with the merchants that may charge each. " +
		"Never a card number. Admin key only."}

func shopperView(id, email string, created time.Time) Shopper {
	return Shopper{ID: id, Object: "shopper", Email: email, CreatedAt: created}
}

func (s *Server) resolveShopper(ctx context.Context, in *ResolveShopperInput) (*ShopperOutput, error) {
	sh, err := s.gw.ResolveShopper(ctx, in.Body.Email)
	if err != nil {
		return nil, err
	}
	return &ShopperOutput{Body: shopperView(sh.ID, sh.Email, sh.CreatedAt)}, nil
}

func (s *Server) getShopper(ctx context.Context, in *ShopperIDInput) (*ShopperOutput, error) {
	sh, err := s.gw.GetShopper(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &ShopperOutput{Body: shopperView(sh.ID, sh.Email, sh.CreatedAt)}, nil
}

func (s *Server) listShopperCards(ctx context.Context, in *ShopperIDInput) (*SavedCardListOutput, error) {
	cards, err := s.gw.ShopperCards(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := &SavedCardListOutput{}
	out.Body.Object, out.Body.Data = "list", make([]SavedCard, 0, len(cards))
	for _, c := range cards {
		d := c.Card.Sealed.Display
		out.Body.Data = append(out.Body.Data, SavedCard{ID: c.Card.ID, Object: "payment_method", Type: "card", Livemode: c.Card.Livemode,
			Brand: string(d.Brand), Last4: d.Last4, ExpMonth: d.ExpMonth, ExpYear: d.ExpYear, Merchants: c.Merchants, CreatedAt: c.Card.CreatedAt})
	}
	return out, nil
}

// authenticateAdmin resolves an admin key for the admin routes. A merchant's key, secret or publishable, is refused
// with the same 401 as a wrong admin key.
func (s *Server) authenticateAdmin(r *http.Request) error {
	key, err := apiKeyFrom(r)
	if err != nil {
		return err
	}
	_, err = s.gw.AuthenticateAdmin(r.Context(), key)
	return err
}

// registerAdmin registers the admin routes.
func (s *Server) registerAdmin() {
	register(s, authAdmin, resolveShopperOp, s.resolveShopper)
	register(s, authAdmin, getShopperOp, s.getShopper)
	register(s, authAdmin, listShopperCardsOp, s.listShopperCards)
}
