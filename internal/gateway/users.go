package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/cleantext"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
)

// Dashboard sign-in rules.
const (
	// DashboardSessionTTL is how long a sign-in lasts.
	DashboardSessionTTL = 12 * time.Hour
	// MaxLoginFailures failed sign-ins in a row lock an email out for LoginLockout.
	MaxLoginFailures = 5
	// LoginLockout is how long an email stays locked after MaxLoginFailures failures.
	LoginLockout = 15 * time.Minute
	// MinPasswordLength is the shortest password a user may set.
	MinPasswordLength = 12
)

var (
	errBadLogin = &Error{Kind: KindUnauthenticated, Code: "invalid_login", Message: "The email or password is not correct."}
	errLocked   = &Error{Kind: KindRateLimited, Code: "login_locked",
		Message: "Too many failed sign-ins for this email. Try again in 15 minutes, or reset the password with kassa user reset-password."}
	errNoSession = &Error{Kind: KindUnauthenticated, Code: "session_expired", Message: "Please sign in."}
)

// dummyHash makes a sign-in with an unknown email cost as much as one with a known email.
var dummyHash = merchant.HashPassword(id.Random(20))

// DashboardUser is a signed-in dashboard session with its user.
type DashboardUser struct {
	User    merchant.User
	Session store.DashboardSession
}

// Operator reports whether the user runs the instance (sees every merchant).
func (d DashboardUser) Operator() bool { return d.User.Role == merchant.RoleOperator }

// Auth is the merchant and mode the session acts as, for the same use cases the API calls. ok is false for an
// operator who has not chosen a merchant yet.
func (g *Gateway) DashboardAuth(ctx context.Context, d DashboardUser) (Auth, bool, error) {
	if d.Session.MerchantID == "" {
		return Auth{}, false, nil
	}
	m, err := g.store.GetMerchant(ctx, d.Session.MerchantID)
	if err != nil {
		return Auth{}, false, err
	}
	return Auth{Merchant: m, Key: keyOfMode(d.Session.Livemode)}, true, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func normalizeEmail(email string) string { return strings.TrimSpace(email) }

// failureKey is the lock-out's key for an email: case does not open a second set of attempts.
func failureKey(email string) string { return strings.ToLower(email) }

// SignIn checks an email and password and starts a dashboard session, returning its token (the cookie's value,
// never stored). Every attempt counts until one succeeds; an email's MaxLoginFailures-th attempt locks it for
// LoginLockout, known or not (so the lock reveals nothing about which emails exist), and later attempts are refused
// without a password check: a correct password does not open a locked email, and parallel guesses cannot get more
// than MaxLoginFailures checks.
func (g *Gateway) SignIn(ctx context.Context, email, password string) (string, DashboardUser, error) {
	email = normalizeEmail(email)
	if email == "" || password == "" || len(email) > 320 || len(password) > 1024 || !cleantext.Valid(email) {
		return "", DashboardUser{}, errBadLogin
	}
	now := g.Now()
	// The attempt is counted before the password is checked, in one statement: concurrent attempts each get their
	// own number, so no more than MaxLoginFailures of them ever reach the password check.
	key := failureKey(email)
	f, err := g.store.CountLoginFailure(ctx, key, now)
	if err != nil {
		return "", DashboardUser{}, err
	}
	if f.Failures >= MaxLoginFailures && f.LockedUntil == nil {
		if err := g.store.LockLoginFailures(ctx, key, now.Add(LoginLockout)); err != nil {
			return "", DashboardUser{}, err
		}
		g.log.WarnContext(ctx, "dashboard sign-in locked after repeated failures", "failures", f.Failures)
	}
	if f.Failures > MaxLoginFailures {
		return "", DashboardUser{}, errLocked
	}
	u, err := g.store.GetUserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		merchant.CheckPassword(dummyHash, password) //nolint:errcheck // equal work for unknown emails
		err = merchant.ErrPasswordMismatch
	case err == nil:
		err = merchant.CheckPassword(u.PasswordHash, password)
	}
	if errors.Is(err, merchant.ErrPasswordMismatch) {
		if f.Failures >= MaxLoginFailures {
			return "", DashboardUser{}, errLocked
		}
		return "", DashboardUser{}, errBadLogin
	}
	if err != nil {
		return "", DashboardUser{}, err
	}
	token := rand.Text() + rand.Text()
	s := store.DashboardSession{
		TokenHash: hashToken(token), UserID: u.ID, MerchantID: u.MerchantID, CreatedAt: now, ExpiresAt: now.Add(DashboardSessionTTL),
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.DeleteLoginFailures(ctx, key); err != nil {
			return err
		}
		if _, err := tx.DeleteExpiredDashboardSessions(ctx, now); err != nil {
			return err
		}
		return tx.InsertDashboardSession(ctx, s)
	})
	if err != nil {
		return "", DashboardUser{}, err
	}
	return token, DashboardUser{User: u, Session: s}, nil
}

// DashboardSession resolves a session cookie's token.
func (g *Gateway) DashboardSession(ctx context.Context, token string) (DashboardUser, error) {
	if token == "" || len(token) > 128 {
		return DashboardUser{}, errNoSession
	}
	s, err := g.store.GetDashboardSession(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return DashboardUser{}, errNoSession
	}
	if err != nil {
		return DashboardUser{}, err
	}
	if !g.Now().Before(s.ExpiresAt) {
		return DashboardUser{}, errNoSession
	}
	u, err := g.store.GetUser(ctx, s.UserID)
	if err != nil {
		return DashboardUser{}, err
	}
	return DashboardUser{User: u, Session: s}, nil
}

// SignOut ends a session.
func (g *Gateway) SignOut(ctx context.Context, token string) error {
	return g.store.DeleteDashboardSession(ctx, hashToken(token))
}

// SwitchDashboard changes the mode a session looks at and, for operators, the merchant. A merchant user can only
// look at its own merchant: another merchant id is not found.
func (g *Gateway) SwitchDashboard(ctx context.Context, d DashboardUser, merchantID string, livemode bool) (DashboardUser, error) {
	if livemode && !g.live {
		return d, &Error{Kind: KindForbidden, Code: "live_mode_unavailable", Message: "Live mode needs KASSA_MASTER_KEY to be configured on this Kassa instance."}
	}
	if merchantID == "" {
		merchantID = d.Session.MerchantID
	}
	if !d.Operator() && merchantID != d.User.MerchantID {
		return d, NotFound("merchant", merchantID)
	}
	if _, err := g.store.GetMerchant(ctx, merchantID); err != nil {
		return d, notFoundAs(err, "merchant", merchantID)
	}
	d.Session.MerchantID, d.Session.Livemode = merchantID, livemode
	return d, g.store.UpdateDashboardSession(ctx, d.Session)
}

// ValidatePassword checks a new password's length (MinPasswordLength to 1024 bytes).
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength || len(password) > 1024 {
		return InvalidParam("password", "password_invalid", "The password must be at least 12 characters long.")
	}
	return nil
}

// ResetPassword sets a user's password (the CLI's reset path), ends its sessions and lifts a lock-out.
func (g *Gateway) ResetPassword(ctx context.Context, email, password string) (merchant.User, error) {
	if err := ValidatePassword(password); err != nil {
		return merchant.User{}, err
	}
	email = normalizeEmail(email)
	u, err := g.store.GetUserByEmail(ctx, email)
	if err != nil {
		return u, notFoundAs(err, "dashboard user", email)
	}
	hash := merchant.HashPassword(password)
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.UpdateUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if _, err := tx.DeleteUserDashboardSessions(ctx, u.ID); err != nil {
			return err
		}
		return tx.DeleteLoginFailures(ctx, failureKey(email))
	})
	return u, err
}

// CreateOperator adds an operator user (sees every merchant) with the given password.
func (g *Gateway) CreateOperator(ctx context.Context, email, password string) (merchant.User, error) {
	email = strings.ToLower(normalizeEmail(email))
	if err := merchant.ValidateEmail("email", email); err != nil {
		return merchant.User{}, fieldError(err)
	}
	if err := ValidatePassword(password); err != nil {
		return merchant.User{}, err
	}
	now := g.Now()
	u := merchant.User{ID: id.New("usr_", now), Email: email, PasswordHash: merchant.HashPassword(password), Role: merchant.RoleOperator, CreatedAt: now}
	err := g.store.InsertUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return u, InvalidParam("email", "email_taken", "A dashboard user with this email already exists.")
	}
	return u, err
}
