package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResultFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code string
		want Result
	}{
		{CodeApproved, Result{Status: StatusSucceeded, ResponseCode: "00", ResponseMessage: "Approved"}},
		{CodeDoNotHonor, Result{Status: StatusDeclined, ResponseCode: "05", ResponseMessage: "Do not honor",
			DeclineCode: "do_not_honor"}},
		{CodeCVVMismatch, Result{Status: StatusDeclined, ResponseCode: "N7", ResponseMessage: "CVV mismatch",
			DeclineCode: "incorrect_cvc"}},
		{CodeProcessingError, Result{Status: StatusFailed, ResponseCode: "96", ResponseMessage: "Processing error",
			DeclineCode: "processing_error"}},
		{CodeInProgress, Result{Status: StatusPending, ResponseCode: "09", ResponseMessage: "Waiting for the payer"}},
		{"Q1", Result{Status: StatusFailed, ResponseCode: "Q1", ResponseMessage: "Unknown response code",
			DeclineCode: "processing_error"}},
	} {
		if diff := cmp.Diff(tc.want, ResultFor(tc.code)); diff != "" {
			t.Errorf("ResultFor(%q) (-want +got):\n%s", tc.code, diff)
		}
	}
}

func TestEveryResponseCodeIsConsistent(t *testing.T) {
	t.Parallel()
	for code := range responses {
		r := ResultFor(code)
		if r.ResponseMessage == "" {
			t.Errorf("%s has no message", code)
		}
		hasDecline := r.DeclineCode != ""
		if wantDecline := r.Status == StatusDeclined || r.Status == StatusFailed; hasDecline != wantDecline {
			t.Errorf("%s: status %s with decline code %q", code, r.Status, r.DeclineCode)
		}
	}
}

func TestTimeoutResult(t *testing.T) {
	t.Parallel()
	want := Result{Status: StatusFailed, ResponseCode: "TIMEOUT", ResponseMessage: "The provider did not answer in time",
		DeclineCode: "provider_timeout"}
	if diff := cmp.Diff(want, TimeoutResult()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScenariosAreValid(t *testing.T) {
	t.Parallel()
	for _, s := range append(Scenarios(), ScenarioNone) {
		if !s.Valid() {
			t.Errorf("%q is not valid", s)
		}
	}
	if Scenario("approved").Valid() {
		t.Error(`"approved" is valid`)
	}
}
