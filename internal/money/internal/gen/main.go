// Command gen writes internal/money/iso4217_table.go from the npm package currency-codes, which packages the
// ISO 4217 "list one" published by the ISO 4217 maintenance agency.
//
// It reads the package's data.js (a JSON array behind "module.exports =") for codes, numbers, names and minor
// units, and its copy of the ISO XML to check that the codes it drops are exactly those ISO gives no minor unit
// ("N.A."): the package turns "N.A." into 0, which would let Kassa take gold or test-code payments as if they
// were yen. Codes newer than the package are added by hand in [additions].
//
// Usage, from internal/money (go generate does this):
//
//	go run ./internal/gen -o iso4217_table.go              # fetches the package with `npm pack`
//	go run ./internal/gen -src DIR -o iso4217_table.go     # DIR is an unpacked package (its package.json)
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// pkg is the npm package and version the table comes from. Changing it is how the table is updated.
const pkg = "currency-codes@2.2.0"

// entry is one currency as data.js spells it.
type entry struct {
	Code     string `json:"code"`
	Number   string `json:"number"`
	Digits   int    `json:"digits"`
	Currency string `json:"currency"`
}

// excluded are the codes ISO lists without a minor unit: precious metals (XAU, XAG, XPT, XPD), bond-market units
// (XBA–XBD), the IMF's SDR (XDR), the Sucre and ADB units of account (XSU, XUA), the testing code (XTS) and "no
// currency" (XXX). None is legal tender anyone pays a merchant in. The fund codes (BOV, CHE, CHW, CLF, COU, MXV,
// USN, UYI, UYW) stay: ISO gives them minor units, and whether a provider accepts one is the provider's business.
var excluded = []string{"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}

// additions are currencies ISO added after the package's list was published.
var additions = []entry{
	// Caribbean guilder: replaces the Netherlands Antillean guilder (ANG) in Curaçao and Sint Maarten from 2025
	// and takes over its numeric code.
	{Code: "XCG", Number: "532", Digits: 2, Currency: "Caribbean Guilder"},
}

func main() {
	src := flag.String("src", "", "unpacked "+pkg+" directory (default: fetch it with npm pack)")
	out := flag.String("o", "iso4217_table.go", "output file")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	if src == "" {
		dir, err := os.MkdirTemp("", "iso4217-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if src, err = fetch(dir); err != nil {
			return err
		}
	}
	if err := checkVersion(src); err != nil {
		return err
	}
	entries, err := readData(filepath.Join(src, "data.js"))
	if err != nil {
		return err
	}
	var published string
	if err := readModuleExports(filepath.Join(src, "iso-4217-publish-date.js"), &published); err != nil {
		return err
	}
	noMinorUnit, err := readNoMinorUnit(filepath.Join(src, "iso-4217-list-one.xml"))
	if err != nil {
		return err
	}
	if !slices.Equal(noMinorUnit, excluded) {
		return fmt.Errorf("ISO lists %v without a minor unit but the exclusions are %v: review them",
			noMinorUnit, excluded)
	}

	var kept []entry
	for _, e := range entries {
		if !slices.Contains(excluded, e.Code) {
			kept = append(kept, e)
		}
	}
	for _, a := range additions {
		if slices.ContainsFunc(kept, func(e entry) bool { return e.Code == a.Code }) {
			return fmt.Errorf("%s is in the package now: remove it from the additions", a.Code)
		}
		kept = append(kept, a)
	}
	slices.SortFunc(kept, func(a, b entry) int { return strings.Compare(a.Code, b.Code) })

	code, err := render(kept, published, time.Now().UTC())
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644)
}

// fetch runs npm pack in dir and unpacks the tarball there, returning the package directory.
func fetch(dir string) (string, error) {
	cmd := exec.Command("npm", "pack", "--silent", pkg)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	name, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	f, err := os.Open(filepath.Join(dir, strings.TrimSpace(string(name))))
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		base := filepath.Base(h.Name)
		if h.Typeflag != tar.TypeReg || h.Name != "package/"+base { // only top-level files are needed
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, base), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// checkVersion makes sure src holds the version named in pkg, so the header never lies about the source.
func checkVersion(src string) error {
	b, err := os.ReadFile(filepath.Join(src, "package.json"))
	if err != nil {
		return err
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("package.json: %w", err)
	}
	if got := p.Name + "@" + p.Version; got != pkg {
		return fmt.Errorf("%s holds %s, want %s", src, got, pkg)
	}
	return nil
}

func readData(path string) ([]entry, error) {
	var entries []entry
	if err := readModuleExports(path, &entries); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no currencies", path)
	}
	return entries, nil
}

// readModuleExports decodes the JSON value of a file shaped "/* comment */ module.exports = <JSON>;".
func readModuleExports(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, value, ok := bytes.Cut(b, []byte("module.exports ="))
	if !ok {
		return fmt.Errorf("%s: no module.exports", path)
	}
	value = bytes.TrimSuffix(bytes.TrimSpace(value), []byte(";"))
	if err := json.Unmarshal(value, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readNoMinorUnit returns, sorted, the codes ISO's XML lists with minor unit "N.A.".
func readNoMinorUnit(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Entries []struct {
			Code       string `xml:"Ccy"`
			MinorUnits string `xml:"CcyMnrUnts"`
		} `xml:"CcyTbl>CcyNtry"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var codes []string
	for _, e := range doc.Entries {
		if e.MinorUnits == "N.A." && !slices.Contains(codes, e.Code) {
			codes = append(codes, e.Code)
		}
	}
	slices.Sort(codes)
	return codes, nil
}

func render(entries []entry, published string, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by internal/gen from npm %s; DO NOT EDIT.

// Source: npm %s, ISO 4217 list one published %s; generated %s.
// Regenerate with "go generate ./internal/money" (needs npm and the npm registry). To update, change pkg in
// internal/gen/main.go.
//
// Left out because ISO gives them no minor unit (precious metals, bond-market units, SDR, units of account, the
// testing code, "no currency"):
// %s.
// Kept: the fund codes, which have minor units (CLF 4, UYW 4, ...), and ANG while XCG replaces it.
// Added by hand, newer than the package: %s.

package money

// iso4217 maps each currency Kassa accepts to its ISO 4217 data.
var iso4217 = map[Currency]currencyInfo{
`, pkg, pkg, published, now.Format(time.DateOnly), strings.Join(excluded, ", "), codes(additions))
	for _, e := range entries {
		if len(e.Code) != 3 || e.Digits < 0 || e.Digits > 4 || len(e.Number) != 3 {
			return nil, fmt.Errorf("implausible entry %+v", e)
		}
		fmt.Fprintf(&b, "\t%q: {exponent: %d, number: %q, name: %q},\n", e.Code, e.Digits, e.Number, e.Currency)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func codes(entries []entry) string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Code)
	}
	return strings.Join(s, ", ")
}
