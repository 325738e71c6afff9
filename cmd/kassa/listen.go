package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/webhook"
)

// apiClient talks to a running Kassa as a merchant's server would.
type apiClient struct {
	server, key string
	http        *http.Client
}

func (a apiClient) do(ctx context.Context, method, path string, body any, out any) error {
	return a.doKey(ctx, method, path, "", body, out)
}

// doKey is do with an Idempotency-Key header (none when key is empty).
func (a apiClient) doKey(ctx context.Context, method, path, key string, body any, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(a.server, "/")+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Code != "" {
			return fmt.Errorf("%s %s: %d %s: %s", method, path, resp.StatusCode, e.Error.Code, e.Error.Message)
		}
		return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return json.Unmarshal(b, out)
}

func (c *cli) clientFlags(cmd *cobra.Command, a *apiClient) {
	cmd.Flags().StringVar(&a.key, "api-key", "", "the merchant's secret key, sk_test_… (required)")
	cmd.Flags().StringVar(&a.server, "server", "http://127.0.0.1:8080", "URL of the running Kassa")
	cmd.MarkFlagRequired("api-key") //nolint:errcheck
	a.http = &http.Client{Timeout: 30 * time.Second}
}

func (c *cli) listenCmd() *cobra.Command {
	var a apiClient
	var forwardTo string
	var events []string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "listen --forward-to URL --api-key sk_test_… [--events a,b]",
		Short: "Forward the merchant's events to a local URL as they happen, signed, without a tunnel",
		Long: "Watches the merchant's events on a running Kassa and POSTs each one to --forward-to, signed like a real " +
			"delivery with a secret printed at start. One line per delivery shows the local response.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if u, err := url.Parse(forwardTo); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("--forward-to must be an http(s) URL, not %q", forwardTo)
			}
			for _, e := range events {
				if e != webhook.AllEvents && !webhook.ValidEnabledEvent(e) {
					return fmt.Errorf("--events: %q is not an event type", e)
				}
			}
			return c.listen(cmd.Context(), a, forwardTo, events, interval)
		},
	}
	c.clientFlags(cmd, &a)
	cmd.Flags().StringVar(&forwardTo, "forward-to", "", "local URL to POST events to (required)")
	cmd.Flags().StringSliceVar(&events, "events", nil, "only these event types (default: all)")
	cmd.Flags().DurationVar(&interval, "interval", 300*time.Millisecond, "how often to look for new events")
	cmd.MarkFlagRequired("forward-to") //nolint:errcheck
	return cmd
}

type listedEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
}

// listenOverlap is how far back each poll looks again: an event can commit after a newer one was already seen, so
// polling by "after the last id" could skip it; a window plus a set of seen ids cannot.
const listenOverlap = 10 * time.Second

func (c *cli) listen(ctx context.Context, a apiClient, forwardTo string, events []string, interval time.Duration) error {
	var m struct {
		ID       string `json:"id"`
		Livemode bool   `json:"livemode"`
	}
	if err := a.do(ctx, http.MethodGet, "/api/v1/merchant", nil, &m); err != nil {
		return err
	}
	secret := webhook.NewSecret()
	mode := "test"
	if m.Livemode {
		mode = "live"
	}
	since := time.Now().UTC().Add(-time.Second)
	fmt.Fprintf(c.stdout, "Forwarding %s's %s-mode events to %s\nSigning secret for this session: %s\n", m.ID, mode, forwardTo, secret)
	local := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	seen := map[string]time.Time{}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		q := url.Values{"limit": {"100"}, "created[gte]": {since.Format(time.RFC3339Nano)}}
		var page struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := a.do(ctx, http.MethodGet, "/api/v1/events?"+q.Encode(), nil, &page); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(c.stderr, "kassa listen: %v (retrying)\n", err)
		}
		// Pages are newest first; forward oldest first.
		newest := since
		for _, raw := range slices.Backward(page.Data) {
			var ev listedEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				return err
			}
			if ev.CreatedAt.After(newest) {
				newest = ev.CreatedAt
			}
			if _, ok := seen[ev.ID]; ok {
				continue
			}
			seen[ev.ID] = ev.CreatedAt
			if len(events) > 0 && !slices.Contains(events, ev.Type) && !slices.Contains(events, webhook.AllEvents) {
				continue
			}
			c.forward(ctx, local, forwardTo, secret, ev, raw)
		}
		if window := newest.Add(-listenOverlap); window.After(since) {
			since = window
			for id, at := range seen {
				if at.Before(since) {
					delete(seen, id)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

func (c *cli) forward(ctx context.Context, client *http.Client, to, secret string, ev listedEvent, body []byte) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		fmt.Fprintf(c.stdout, "%s  %-28s %s  → %v\n", start.UTC().Format(time.RFC3339), ev.Type, ev.ID, err)
		return
	}
	for k, v := range webhook.Sign([]string{secret}, ev.ID, start, body) {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	result := ""
	if err != nil {
		result = "failed: " + err.Error()
	} else {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck
		resp.Body.Close()
		result = resp.Status
	}
	fmt.Fprintf(c.stdout, "%s  %-28s %s  → %s (%d ms)\n", start.UTC().Format(time.RFC3339), ev.Type, ev.ID, result, time.Since(start).Milliseconds())
}

func (c *cli) triggerCmd() *cobra.Command {
	var a apiClient
	cmd := &cobra.Command{
		Use:   "trigger EVENT_TYPE --api-key sk_test_…",
		Short: "Make the sandbox produce an event (test.ping for now), delivered to the merchant's endpoints",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ev struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			}
			if err := a.do(cmd.Context(), http.MethodPost, "/api/v1/test-events", map[string]string{"type": args[0]}, &ev); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "Triggered %s: %s\n", ev.Type, ev.ID)
			return nil
		},
	}
	c.clientFlags(cmd, &a)
	return cmd
}
