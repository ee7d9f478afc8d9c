package grammar

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/Masterminds/semver/v3"
	"github.com/go-git/go-git/v5/plumbing"
)

// RuleError is a value that breaks the rule of its kind.
type RuleError struct {
	// What names the value's kind (tag, digest, image name...).
	What string
	// Value is the value refused; Rule what was expected.
	Value, Rule string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s %s: refused, expected %s", e.What, Show(e.Value), e.Rule)
}

// Show quotes s for a message, cut to 64 bytes with the full length
// said, so that a refused value of any size or content prints as one
// short line.
func Show(s string) string {
	const max = 64
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d bytes)", strings.ToValidUTF8(s[:max], ""), len(s))
}

// Rules, as they appear in messages.
const (
	TagRule       = "a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
	DigestRule    = "a digest: sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>"
	NameRule      = "an OCI image name: [registry[:port]/]path with lowercase [a-z0-9] components joined by '.', '_', '__' or '-', at most 255 bytes"
	VersionRule   = "a semantic version or a version constraint (1.2.3, ~1.2, >=1.0 <2.0)"
	RefRule       = "a git ref name (git check-ref-format: no space, '~', '^', ':', '?', '*', '[', '\\', '..', '@{', control character, leading '-' or '/'), at most 255 bytes"
	TextRule      = "one line of printable text, at most 1024 bytes"
	TerraformRule = "one line of printable text without ${ or %{ (Terraform interpolation), at most 1024 bytes"
)

var (
	tagRe  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	nameRe = regexp.MustCompile(`^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?` +
		`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`)
	hexRe = regexp.MustCompile(`^[a-f0-9]+$`)
)

// digestHex is the hex length of each digest algorithm accepted.
var digestHex = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// Tag checks an image tag.
func Tag(s string) error {
	if !tagRe.MatchString(s) {
		return &RuleError{What: "tag", Value: s, Rule: TagRule}
	}
	return nil
}

// Digest checks an image digest: a known algorithm and lowercase hex of
// its length.
func Digest(s string) error {
	alg, hex, ok := strings.Cut(s, ":")
	if n, known := digestHex[alg]; !ok || !known || len(hex) != n || !hexRe.MatchString(hex) {
		return &RuleError{What: "digest", Value: s, Rule: DigestRule}
	}
	return nil
}

// ImageName checks an image name (without tag or digest), the grammar
// of the OCI distribution spec.
func ImageName(s string) error {
	if len(s) > 255 || !nameRe.MatchString(s) {
		return &RuleError{What: "image name", Value: s, Rule: NameRule}
	}
	return nil
}

// Image checks an image's name, and its tag and digest when set.
func Image(name, tag, digest string) error {
	if err := ImageName(name); err != nil {
		return err
	}
	if tag != "" {
		if err := Tag(tag); err != nil {
			return err
		}
	}
	if digest != "" {
		return Digest(digest)
	}
	return nil
}

// ChartVersion checks a chart version: a semantic version or a
// constraint, as Helm reads them.
func ChartVersion(s string) error {
	if err := Text(s); err != nil || len(s) > 128 {
		return &RuleError{What: "version", Value: s, Rule: VersionRule}
	}
	if _, err := semver.NewVersion(s); err == nil {
		return nil
	}
	if _, err := semver.NewConstraint(s); err != nil {
		return &RuleError{What: "version", Value: s, Rule: VersionRule}
	}
	return nil
}

// GitRef checks a branch, tag or commit named in a ref: git's ref-name
// rules, and no leading '-' (it would read as an option).
func GitRef(s string) error {
	if s == "" || len(s) > 255 || strings.HasPrefix(s, "-") ||
		plumbing.ReferenceName("refs/heads/"+s).Validate() != nil {
		return &RuleError{What: "ref", Value: s, Rule: RefRule}
	}
	return nil
}

// RefOrVersion checks a ref that may also be a version constraint
// (a Flux GitRepository's ref.semver, a Terraform module version).
func RefOrVersion(s string) error {
	if GitRef(s) == nil || ChartVersion(s) == nil {
		return nil
	}
	return &RuleError{What: "ref", Value: s, Rule: RefRule + "; or " + VersionRule}
}

// Text checks a plain value: one line of printable characters.
func Text(s string) error {
	if len(s) > 1024 || strings.IndexFunc(s, func(r rune) bool { return r == unicode.ReplacementChar || !unicode.IsPrint(r) && r != ' ' }) >= 0 {
		return &RuleError{What: "value", Value: s, Rule: TextRule}
	}
	return nil
}

// TerraformString checks a value written into a Terraform string: Text
// without interpolation or template directives.
func TerraformString(s string) error {
	if Text(s) != nil || strings.Contains(s, "${") || strings.Contains(s, "%{") {
		return &RuleError{What: "value", Value: s, Rule: TerraformRule}
	}
	return nil
}
