package ledger

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJournalsBalance(t *testing.T) {
	t.Parallel()
	js := []Journal{
		Capture("mer_1", false, "USD", 1000, "txn_1"),
		Refund("mer_1", false, "USD", 300, "ref_1"),
		Refund("mer_1", false, "USD", 700, "ref_2"),
	}
	for _, j := range js {
		if err := j.Validate(); err != nil {
			t.Errorf("%s: %v", j.Memo, err)
		}
	}
	if diff := cmp.Diff(map[Account]int64{ProviderClearing: 0, MerchantPayable: 0}, Balances(js)); diff != "" {
		t.Errorf("after a full refund (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[Account]int64{ProviderClearing: 1000, MerchantPayable: -1000}, Balances(js[:1])); diff != "" {
		t.Errorf("after a capture (-want +got):\n%s", diff)
	}
}

func TestValidateRejectsBadJournals(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		lines []Line
		want  error
	}{
		"unbalanced":     {[]Line{{Account: ProviderClearing, Debit: 10}, {Account: MerchantPayable, Credit: 9}}, ErrUnbalanced},
		"one line":       {[]Line{{Account: ProviderClearing, Debit: 10}}, ErrEmpty},
		"both sides":     {[]Line{{Account: ProviderClearing, Debit: 10, Credit: 10}, {Account: MerchantPayable, Credit: 0, Debit: 0}}, ErrLine},
		"negative debit": {[]Line{{Account: ProviderClearing, Debit: -10}, {Account: MerchantPayable, Credit: -10}}, ErrLine},
		"zero line":      {[]Line{{Account: ProviderClearing}, {Account: MerchantPayable}}, ErrLine},
	} {
		if err := (Journal{Lines: tt.lines}).Validate(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
}
