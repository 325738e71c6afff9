package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestCardNeverShowsNumberOrCVV(t *testing.T) {
	t.Parallel()
	card := Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVV: "735", Name: "Ada Lovelace"}
	req := Request{Operation: OperationAuthorize, IdempotencyKey: "k", Amount: 1000, Currency: "USD", Card: &card}

	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		outputs["card "+verb] = fmt.Sprintf(verb, card)
		outputs["*card "+verb] = fmt.Sprintf(verb, &card)
		outputs["request "+verb] = fmt.Sprintf(verb, req)
		outputs["*request "+verb] = fmt.Sprintf(verb, &req)
	}
	outputs["Sprint"] = fmt.Sprint(card, &card)
	outputs["Sprintln"] = fmt.Sprintln(card, &card)
	outputs["String"] = card.String()
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		// Without the time, whose digits could hold the CVV by chance.
		noTime := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}
		var h slog.Handler = slog.NewTextHandler(&buf, noTime)
		if format == "json" {
			h = slog.NewJSONHandler(&buf, noTime)
		}
		slog.New(h).Info("paying", "card", card, "card_ptr", &card, "request", req, "request_ptr", &req)
		outputs["slog "+format] = buf.String()
	}
	for name, v := range map[string]any{"card": card, "request": req} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json %s: %v", name, err)
		}
		outputs["json "+name] = string(b)
	}

	for name, out := range outputs {
		for _, secret := range []string{card.Number, card.CVV, card.Name} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows %q: %s", name, secret, out)
			}
		}
	}
	for _, name := range []string{"card %v", "card %#v", "String", "slog text", "slog json", "json card"} {
		if !strings.Contains(outputs[name], "4242") {
			t.Errorf("%s should still show the last four digits: %s", name, outputs[name])
		}
	}
}

func TestCardLast4(t *testing.T) {
	t.Parallel()
	for number, want := range map[string]string{"378282246310005": "0005", "123": "", "": ""} {
		if got := (Card{Number: number}).Last4(); got != want {
			t.Errorf("Last4 of %q = %q, want %q", number, got, want)
		}
	}
}
