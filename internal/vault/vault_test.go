package vault

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRequiresA32ByteMasterKey(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 16, 31, 33, 64} {
		if v, err := New(make([]byte, n)); err == nil || v != nil {
			t.Errorf("New(%d bytes) = %v, %v; want an error", n, v, err)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	for _, tc := range sandboxCards {
		c := Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"}
		s, err := v.Seal("pm_1", c)
		if err != nil {
			t.Fatalf("Seal(%s): %v", tc.number, err)
		}
		got, err := v.Open("pm_1", s)
		if err != nil {
			t.Fatalf("Open(%s): %v", tc.number, err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("opened card mismatch (-want +got):\n%s", diff)
		}
		wantDisplay := Display{
			Brand: tc.brand, First6: tc.number[:6], Last4: tc.number[len(tc.number)-4:], ExpMonth: 12, ExpYear: 2030,
		}
		if diff := cmp.Diff(wantDisplay, s.Display); diff != "" {
			t.Errorf("display mismatch (-want +got):\n%s", diff)
		}
		fp, err := v.Fingerprint(tc.number)
		if err != nil || s.Fingerprint != fp || s.KeyVersion != 1 {
			t.Errorf("Sealed = {Fingerprint: %s, KeyVersion: %d}; want {%s, 1} (%v)", s.Fingerprint, s.KeyVersion, fp, err)
		}
	}
}

func TestSealStoresTheNormalizedNumber(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	s, err := v.Seal("pm_1", Card{Number: "4242 4242-4242 4242", ExpMonth: 1, ExpYear: 2031})
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Open("pm_1", s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Card{Number: "4242424242424242", ExpMonth: 1, ExpYear: 2031}, got); diff != "" {
		t.Errorf("opened card mismatch (-want +got):\n%s", diff)
	}
}

func TestSealRejectsInvalidInput(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	tests := []struct {
		name    string
		id      string
		number  string
		wantErr error
	}{
		{"luhn failure", "pm_1", "4242424242424241", ErrNumberLuhn},
		{"too short", "pm_1", "424242424242", ErrNumberFormat},
		{"letters", "pm_1", "4242a42424242424", ErrNumberFormat},
		{"no record id", "", "4242424242424242", ErrRecordID},
	}
	for _, tc := range tests {
		s, err := v.Seal(tc.id, Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030})
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: Seal err = %v, want %v", tc.name, err, tc.wantErr)
		}
		if diff := cmp.Diff(Sealed{}, s); diff != "" {
			t.Errorf("%s: Seal returned a record with an error:\n%s", tc.name, diff)
		}
	}
}

// TestSealedBytesHoldNoCardNumber looks for the number in every form it could leak in: as text, as any six of its
// digits in a row, as its last four, and as raw digit values.
func TestSealedBytesHoldNoCardNumber(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	for _, tc := range sandboxCards {
		s, err := v.Seal("pm_1", Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"})
		if err != nil {
			t.Fatal(err)
		}
		raw := make([]byte, len(tc.number))
		for i := range tc.number {
			raw[i] = tc.number[i] - '0'
		}
		needles := append(digitWindows(tc.number, 6), tc.number, tc.number[len(tc.number)-4:], string(raw), "Ada Lovelace")
		for field, b := range map[string][]byte{"Ciphertext": s.Ciphertext, "WrappedKey": s.WrappedKey} {
			for _, needle := range needles {
				if bytes.Contains(b, []byte(needle)) {
					t.Errorf("%s of %s contains %q", field, tc.number, needle)
				}
			}
			if strings.Contains(hex.EncodeToString(b), tc.number) {
				t.Errorf("hex of %s of %s contains the number", field, tc.number)
			}
		}
		assertNoPAN(t, s.Fingerprint, tc.number)
	}
}

func TestOpenFailsWithErrOpen(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	card := Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030}
	s, err := v.Seal("pm_1", card)
	if err != nil {
		t.Fatal(err)
	}
	other, err := v.Seal("pm_2", Card{Number: "5555555555554444", ExpMonth: 1, ExpYear: 2031})
	if err != nil {
		t.Fatal(err)
	}
	otherMaster := newVault(t, 2)
	with := func(edit func(*Sealed)) Sealed {
		c := Sealed{
			Ciphertext:  bytes.Clone(s.Ciphertext),
			WrappedKey:  bytes.Clone(s.WrappedKey),
			KeyVersion:  s.KeyVersion,
			Fingerprint: s.Fingerprint,
			Display:     s.Display,
		}
		edit(&c)
		return c
	}
	tests := []struct {
		name  string
		vault *Vault
		id    string
		s     Sealed
	}{
		{"another record id", v, "pm_2", s},
		{"record id with a suffix", v, "pm_1 ", s},
		{"empty record id", v, "", s},
		{"another master key", otherMaster, "pm_1", s},
		{"wrapped key of another record", v, "pm_1", with(func(c *Sealed) { c.WrappedKey = other.WrappedKey })},
		{"ciphertext of another record", v, "pm_1", with(func(c *Sealed) { c.Ciphertext = other.Ciphertext })},
		{"unknown key version", v, "pm_1", with(func(c *Sealed) { c.KeyVersion = 2 })},
		{"zero key version", v, "pm_1", with(func(c *Sealed) { c.KeyVersion = 0 })},
		{"unknown format version", v, "pm_1", with(func(c *Sealed) { c.Ciphertext[0] = 2 })},
		{"truncated ciphertext", v, "pm_1", with(func(c *Sealed) { c.Ciphertext = c.Ciphertext[:len(c.Ciphertext)-1] })},
		{"truncated wrapped key", v, "pm_1", with(func(c *Sealed) { c.WrappedKey = c.WrappedKey[:10] })},
		{"empty ciphertext", v, "pm_1", with(func(c *Sealed) { c.Ciphertext = nil })},
		{"empty wrapped key", v, "pm_1", with(func(c *Sealed) { c.WrappedKey = nil })},
		{"zero record", v, "pm_1", Sealed{}},
	}
	for i := range s.Ciphertext {
		tests = append(tests, struct {
			name  string
			vault *Vault
			id    string
			s     Sealed
		}{fmt.Sprintf("ciphertext byte %d flipped", i), v, "pm_1", with(func(c *Sealed) { c.Ciphertext[i] ^= 0x01 })})
	}
	for i := range s.WrappedKey {
		tests = append(tests, struct {
			name  string
			vault *Vault
			id    string
			s     Sealed
		}{fmt.Sprintf("wrapped key byte %d flipped", i), v, "pm_1", with(func(c *Sealed) { c.WrappedKey[i] ^= 0x80 })})
	}
	for _, tc := range tests {
		got, err := tc.vault.Open(tc.id, tc.s)
		if !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open err = %v, want ErrOpen", tc.name, err)
		}
		if diff := cmp.Diff(Card{}, got); diff != "" {
			t.Errorf("%s: Open returned card data with an error", tc.name)
		}
	}
	// The untouched record still opens: the failures above are the edits, not the setup.
	if got, err := v.Open("pm_1", s); err != nil || got != card {
		t.Errorf("Open(original) = %v, %v", got, err)
	}
}

func TestSealTwiceDiffersButFingerprintsMatch(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	c := Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030}
	a, err := v.Seal("pm_1", c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.Seal("pm_1", c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Ciphertext, b.Ciphertext) || bytes.Equal(a.WrappedKey, b.WrappedKey) {
		t.Error("two seals of one card share a ciphertext or wrapped key: data key or nonce reuse")
	}
	if a.Fingerprint != b.Fingerprint || a.Display != b.Display {
		t.Errorf("fingerprint or display differ: %s/%s, %+v/%+v", a.Fingerprint, b.Fingerprint, a.Display, b.Display)
	}
	// Another record holding the same card has the same fingerprint: that is what dedupe and velocity rules use.
	c2, err := v.Seal("pm_2", Card{Number: "4242-4242-4242-4242", ExpMonth: 1, ExpYear: 2031})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Fingerprint != a.Fingerprint {
		t.Errorf("fingerprint of the same number under another record = %s, want %s", c2.Fingerprint, a.Fingerprint)
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	sameMaster := newVault(t, 1)
	otherMaster := newVault(t, 2)

	fp, err := v.Fingerprint("4242424242424242")
	if err != nil {
		t.Fatal(err)
	}
	if len(fp) != 64 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Errorf("fingerprint %q is not 64 lowercase hex digits", fp)
	}
	for _, spelling := range []string{"4242 4242 4242 4242", "4242-4242-4242-4242", " 4242424242424242 "} {
		if got, err := v.Fingerprint(spelling); err != nil || got != fp {
			t.Errorf("Fingerprint(%q) = %s, %v; want %s", spelling, got, err, fp)
		}
	}
	if got, _ := sameMaster.Fingerprint("4242424242424242"); got != fp {
		t.Errorf("another instance with the same master key: %s, want %s", got, fp)
	}
	if got, _ := otherMaster.Fingerprint("4242424242424242"); got == fp {
		t.Error("another master key gives the same fingerprint")
	}
	if got, _ := v.Fingerprint("5555555555554444"); got == fp {
		t.Error("two numbers share a fingerprint")
	}
	for input, wantErr := range map[string]error{"4242424242424241": ErrNumberLuhn, "4242": ErrNumberFormat} {
		if got, err := v.Fingerprint(input); got != "" || !errors.Is(err, wantErr) {
			t.Errorf("Fingerprint(%q) = %q, %v; want %v", input, got, err, wantErr)
		}
	}
}

func TestOpenWorksAcrossInstancesSharingTheMasterKey(t *testing.T) {
	t.Parallel()
	c := Card{Number: "378282246310005", ExpMonth: 3, ExpYear: 2029, Name: "Grace Hopper"}
	s, err := newVault(t, 7).Seal("pm_1", c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := newVault(t, 7).Open("pm_1", s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("opened card mismatch (-want +got):\n%s", diff)
	}
}

func TestVaultNeverPrintsItsKeys(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	out := fmt.Sprintf("%v %+v %#v %s %d %x %v", v, v, v, v, v, v, *v)
	for _, secret := range []string{hex.EncodeToString(v.fingerprintKey), fmt.Sprint(v.fingerprintKey)} {
		if strings.Contains(out, secret) {
			t.Errorf("printed Vault contains its fingerprint key: %s", out)
		}
	}
	if strings.Count(out, "vault.Vault{…}") != 7 {
		t.Errorf("printed Vault = %q", out)
	}
}

// TestVaultIsSafeForConcurrentUse is meant for -race: one Vault, many goroutines.
func TestVaultIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	v := newVault(t, 1)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			id := fmt.Sprintf("pm_%d", i)
			tc := sandboxCards[i%len(sandboxCards)]
			s, err := v.Seal(id, Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030})
			if err != nil {
				t.Error(err)
				return
			}
			if got, err := v.Open(id, s); err != nil || got.Number != tc.number {
				t.Errorf("Open(%s) = %v, %v", id, got, err)
			}
		})
	}
	wg.Wait()
}

// TestOpenRecordSealedByFormatVersion1 opens a record sealed once and kept in testdata. A change to the key
// derivation, the associated data or the encoding that would make every stored card unreadable fails here; if the
// change is deliberate, it needs a new format or key version, not a new golden file.
func TestOpenRecordSealedByFormatVersion1(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "sealed_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Sealed
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	v := newVault(t, 9)
	got, err := v.Open(goldenRecordID, s)
	if err != nil {
		t.Fatalf("Open(golden record): %v", err)
	}
	if diff := cmp.Diff(goldenCard, got); diff != "" {
		t.Errorf("golden card mismatch (-want +got):\n%s", diff)
	}
	fp, err := v.Fingerprint(goldenCard.Number)
	if err != nil || fp != s.Fingerprint {
		t.Errorf("Fingerprint = %s, %v; want the golden %s", fp, err, s.Fingerprint)
	}
	if diff := cmp.Diff(DisplayOf(goldenCard), s.Display); diff != "" {
		t.Errorf("golden display mismatch (-want +got):\n%s", diff)
	}
}
