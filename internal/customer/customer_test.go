package customer

import (
	"errors"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/field"
)

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	many := map[string]string{}
	for i := range 51 {
		many[strings.Repeat("k", i+1)[:1+i%40]+string(rune('a'+i%26))+strings.Repeat("x", i/26)] = "v"
	}
	tests := []struct {
		name      string
		c         Customer
		wantField string
		wantErr   error
	}{
		{"valid", Customer{Email: "a@example.com", Phone: "+15555550100", Name: "Ada"}, "", nil},
		{"empty is valid", Customer{}, "", nil},
		{"display-name email", Customer{Email: "Ada <a@example.com>"}, "email", ErrInvalidEmail},
		{"bad email", Customer{Email: "nope"}, "email", ErrInvalidEmail},
		{"local phone", Customer{Phone: "5555550100"}, "phone", ErrInvalidPhone},
		{"phone with spaces", Customer{Phone: "+1 555 555 0100"}, "phone", ErrInvalidPhone},
		{"long name", Customer{Name: strings.Repeat("a", 201)}, "name", ErrTooLong},
		{"long metadata value", Customer{Metadata: map[string]string{"k": strings.Repeat("v", 501)}}, "metadata.k", ErrMetadataValue},
		{"empty metadata key", Customer{Metadata: map[string]string{"": "v"}}, "metadata.", ErrInvalidMetadataKey},
		{"too many keys", Customer{Metadata: many}, "metadata", ErrTooManyMetadata},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if tt.wantErr == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var fe *field.Error
		if !errors.As(err, &fe) || fe.Field != tt.wantField || !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: err = %v, want field %q / %v", tt.name, err, tt.wantField, tt.wantErr)
		}
	}
}
