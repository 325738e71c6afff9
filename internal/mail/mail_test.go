package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/mail"
	"github.com/kassapay/kassa/internal/mail/mailpit"
)

// TestSendThroughARealSMTPServer sends a message through mailpit, with and without credentials, and reads it back
// through mailpit's API: recipient, subject and body arrive as sent, from the configured address.
func TestSendThroughARealSMTPServer(t *testing.T) {
	t.Parallel()
	mp := mailpit.Start(t)
	withAuth := strings.Replace(mp.SMTPURL, "smtp://", "smtp://kassa:s3cret@", 1)
	for i, raw := range []string{mp.SMTPURL, withAuth} {
		s, err := mail.ParseURL(raw, "Kassa <codes@kassa.test>")
		if err != nil {
			t.Fatal(err)
		}
		to := []string{"shopper@example.com", "other@example.com"}[i]
		if err := s.Send(context.Background(), mail.Message{To: to, Subject: "Your code", Body: "Your code is 123456.\n"}); err != nil {
			t.Fatalf("send (%s): %v", strings.Split(raw, "@")[0], err)
		}
		got := mp.WaitMessage(t, to, 1)
		if got.Subject != "Your code" || !strings.Contains(got.Text, "Your code is 123456.") || len(got.To) != 1 || got.To[0] != to {
			t.Errorf("received %+v", got)
		}
		if mailpit.Code(got.Text) != "123456" {
			t.Errorf("the code read back is %q", mailpit.Code(got.Text))
		}
	}
}

// TestParseURLNamesWhatIsWrong checks KASSA_SMTP_URL and KASSA_MAIL_FROM are refused with a reason, and that no
// error repeats the password.
func TestParseURLNamesWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, from, want string }{
		{"smtp://mail.example.com", "", "KASSA_MAIL_FROM is required"},
		{"smtp://mail.example.com", "not an address", "is not an address"},
		{"http://mail.example.com", "a@b.example", `scheme "http"`},
		{"smtp://", "a@b.example", "no host"},
		{"smtp://mail.example.com:99999", "a@b.example", "not a port number"},
		{"smtp://u:hunter2@mail.example.com?starttls=maybe", "a@b.example", `starttls="maybe"`},
		{"smtp://u:hunter2@mail.example.com?tls=1", "a@b.example", "unknown parameter"},
		{"smtps://mail.example.com?starttls=off", "a@b.example", "takes no parameters"},
	} {
		_, err := mail.ParseURL(tc.url, tc.from)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseURL(%q, %q) = %v, want an error containing %q", tc.url, tc.from, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseURL(%q): the error repeats the password: %v", tc.url, err)
		}
	}
	for _, ok := range []string{"smtp://mail.example.com", "smtps://u:p@mail.example.com:2465", "smtp://mail.example.com:25?starttls=required"} {
		if _, err := mail.ParseURL(ok, "Kassa <codes@kassa.test>"); err != nil {
			t.Errorf("ParseURL(%q): %v", ok, err)
		}
	}
}
