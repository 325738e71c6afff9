// Package mail sends Kassa's e-mail (the wallet's one-time codes) over SMTP with github.com/wneessen/go-mail.
//
// The server is named by one URL, KASSA_SMTP_URL:
//
//	smtp://[user:password@]host[:port][?starttls=required|opportunistic|off]   (port 587 by default)
//	smtps://[user:password@]host[:port]                                        (implicit TLS, port 465 by default)
//
// smtp:// upgrades with STARTTLS when the server offers it (opportunistic, the default); starttls=required refuses
// to send in clear, starttls=off never upgrades (a relay on loopback). Credentials authenticate with PLAIN, which
// go-mail sends only over TLS or to a loopback server.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through one SMTP server. It dials per message: codes are rare, and a kept connection would go stale.
type SMTP struct {
	host string
	addr string // host:port, for logs
	from string
	opts []gomail.Option
}

// sendTimeout bounds one message's dial, TLS, authentication and delivery.
const sendTimeout = 15 * time.Second

// ParseURL checks an SMTP URL (the forms in the package comment) and the From address, and returns a sender. Its
// errors name what is wrong without repeating the password.
func ParseURL(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL (want smtp://user:password@host:port or smtps://…)")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("no host (want smtp://user:password@host:port or smtps://…)")
	}
	opts := []gomail.Option{gomail.WithTimeout(sendTimeout)}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("port %q is not a port number", p)
		}
	}
	switch u.Scheme {
	case "smtps":
		if port == 0 {
			port = 465
		}
		opts = append(opts, gomail.WithSSL())
		if len(u.Query()) > 0 {
			return nil, errors.New("smtps:// takes no parameters (TLS is implicit)")
		}
	case "smtp":
		if port == 0 {
			port = 587
		}
		policy := gomail.TLSOpportunistic
		for k, v := range u.Query() {
			if k != "starttls" || len(v) != 1 {
				return nil, fmt.Errorf("unknown parameter %q (only starttls=required|opportunistic|off)", k)
			}
			switch v[0] {
			case "required":
				policy = gomail.TLSMandatory
			case "opportunistic":
				policy = gomail.TLSOpportunistic
			case "off":
				policy = gomail.NoTLS
			default:
				return nil, fmt.Errorf("starttls=%q: want required, opportunistic or off", v[0])
			}
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	default:
		return nil, fmt.Errorf("scheme %q: want smtp or smtps", u.Scheme)
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	if from == "" {
		return nil, errors.New("KASSA_MAIL_FROM is required with KASSA_SMTP_URL (the address codes are sent from)")
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("KASSA_MAIL_FROM %q is not an address: %w", from, err)
	}
	return &SMTP{host: u.Hostname(), addr: net.JoinHostPort(u.Hostname(), strconv.Itoa(port)), from: from, opts: opts}, nil
}

// Host is the server's host and port, for logs (never the credentials).
func (s *SMTP) Host() string { return s.addr }

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return err
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", s.host, err)
	}
	return nil
}
