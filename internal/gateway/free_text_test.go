package gateway

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// typedCardNumber is what every text field of an input holds before masking, and maskedCardNumber what a masked
// one holds after.
const (
	typedCardNumber  = "paid with 4242 4242 4242 4242"
	maskedCardNumber = "paid with 4242 42** **** 4242"
)

// maskingInput is an input with free-text fields and the fields (by path) that keep what was sent.
type maskingInput struct {
	input interface{ maskCardNumbers() }
	kept  []string
}

// TestEveryTextFieldOfAnInputIsMasked fills every text field of each input (strings, metadata, notes, names, at any
// depth) with a card number, masks the input, and requires each field to be masked unless it is listed as kept. A
// text field added to an input later fails here until someone decides which it is.
func TestEveryTextFieldOfAnInputIsMasked(t *testing.T) {
	t.Parallel()
	inputs := []maskingInput{
		{&DirectInput{}, []string{"Currency", "Card.Number", "Card.CVV", "CustomerEmail", "ClientIP"}},
		{&CardInput{}, []string{"Number", "CVV"}},
		{&SessionInput{}, []string{"ExternalOrderID", "ExternalInvoiceID", "WebsiteKey", "Currency", "SuccessURL", "CancelURL",
			"WebhookURL", "Customer.Email", "Customer.Phone"}},
		{&IntentInput{}, []string{"Currency", "SuccessURL", "CancelURL", "OrderID", "CaptureMethod", "CustomerEmail"}},
		{&RefundInput{}, []string{"TransactionID", "PaymentID", "ExternalOrderID"}},
		{&OrderInput{}, []string{"Currency", "Receipt"}},
		{&OrderPaymentInput{}, []string{"OrderID", "Method", "VPA", "Card.Number", "Card.CVV", "Email", "ClientIP"}},
		{&CustomerInput{}, []string{"Email", "Phone"}},
		{&EndpointInput{}, []string{"URL", "EnabledEvents", "APIVersion", "Status"}},
		{&BlockInput{}, []string{"Kind", "Value"}},
		{&NewMerchant{}, []string{"Email", "DashboardPassword"}},
		{&MerchantPatch{}, []string{"Email", "CheckoutAllowedOrigins", "Status"}},
	}
	for _, tc := range inputs {
		name := reflect.TypeOf(tc.input).Elem().Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := reflect.ValueOf(tc.input).Elem()
			fillText(v, "")
			before := textFields(v, "")
			tc.input.maskCardNumbers()
			after := textFields(v, "")
			if diff := cmp.Diff(keys(before), keys(after)); diff != "" {
				t.Fatalf("masking changed which fields are set (-before +after):\n%s", diff)
			}
			for _, path := range keys(after) {
				masked := strings.Contains(after[path], maskedCardNumber) && !strings.Contains(after[path], typedCardNumber)
				switch kept := slices.Contains(tc.kept, path); {
				case kept && after[path] != before[path]:
					t.Errorf("%s.%s is an identifier or a validated value, but was masked: %q", name, path, after[path])
				case !kept && !masked:
					t.Errorf("%s.%s is free text, but holds %q after masking", name, path, after[path])
				}
			}
		})
	}
}

func TestMaskingLeavesTheCallersMetadataAlone(t *testing.T) {
	t.Parallel()
	meta := map[string]string{"note": typedCardNumber, "cart": "c1"}
	in := CustomerInput{Metadata: meta}
	in.maskCardNumbers()
	if diff := cmp.Diff(map[string]string{"note": maskedCardNumber, "cart": "c1"}, in.Metadata); diff != "" {
		t.Errorf("masked metadata (-want +got):\n%s", diff)
	}
	if meta["note"] != typedCardNumber {
		t.Errorf("the caller's map was changed: %v", meta)
	}
	card := &CardInput{Number: "4242424242424242", Name: typedCardNumber}
	pay := OrderPaymentInput{Card: card}
	pay.maskCardNumbers()
	if card.Name != typedCardNumber || pay.Card.Name != maskedCardNumber || pay.Card.Number != "4242424242424242" {
		t.Errorf("order payment card: caller's %+v, masked %+v", *card, *pay.Card)
	}
}

// fillText sets every text field under v: strings (named string types too) and pointers to them, string slices and
// maps, JSON documents; structs and pointers to structs are filled field by field.
func fillText(v reflect.Value, path string) {
	switch {
	case v.Type() == reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(`{"note":"` + typedCardNumber + `","nested":["` + typedCardNumber + `"]}`))
	case v.Kind() == reflect.String:
		v.SetString(typedCardNumber)
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			fillText(v.Field(i), join(path, v.Type().Field(i).Name))
		}
	case v.Kind() == reflect.Pointer:
		if e := v.Type().Elem(); e.Kind() == reflect.String || e.Kind() == reflect.Struct || e.Kind() == reflect.Slice {
			v.Set(reflect.New(e))
			fillText(v.Elem(), path)
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.ValueOf(typedCardNumber).Convert(v.Type().Elem())))
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String && v.Type().Elem().Kind() == reflect.String:
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(reflect.ValueOf("note"), reflect.ValueOf(typedCardNumber))
	}
}

// textFields returns the text of every field fillText sets, by path.
func textFields(v reflect.Value, path string) map[string]string {
	out := map[string]string{}
	switch {
	case v.Type() == reflect.TypeFor[json.RawMessage]():
		if v.Len() > 0 {
			out[path] = string(v.Bytes())
		}
	case v.Kind() == reflect.String:
		out[path] = v.String()
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			for p, s := range textFields(v.Field(i), join(path, v.Type().Field(i).Name)) {
				out[p] = s
			}
		}
	case v.Kind() == reflect.Pointer && !v.IsNil():
		for p, s := range textFields(v.Elem(), path) {
			out[p] = s
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var parts []string
		for i := range v.Len() {
			parts = append(parts, v.Index(i).String())
		}
		out[path] = strings.Join(parts, "\x00")
	case v.Kind() == reflect.Map && v.Type().Elem().Kind() == reflect.String:
		var parts []string
		for _, k := range v.MapKeys() {
			parts = append(parts, k.String()+"="+v.MapIndex(k).String())
		}
		slices.Sort(parts)
		out[path] = strings.Join(parts, "\x00")
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
