package promote

import (
	"strings"

	"golang.org/x/mod/semver"
)

// markDowngrades sets Downgrade on the changes that lower a version: both
// values are semantic versions (a leading v optional, as in 1.4 or
// v1.4.2) and the new one is lower. Other values (dates, commit hashes,
// ranges) are never marked.
func markDowngrades(cs []Change) {
	for i := range cs {
		c := &cs[i]
		old, cur := c.Old, c.New
		if c.Image != nil && c.Image.Old != nil {
			old, cur = c.Image.Old.NewTag, c.Image.New.NewTag
		}
		c.Downgrade = isDowngrade(old, cur)
	}
}

// isDowngrade reports whether version to is lower than from.
func isDowngrade(from, to string) bool {
	a, b := canonical(from), canonical(to)
	return a != "" && b != "" && semver.Compare(b, a) < 0
}

// canonical is v as a semver with a v prefix, without a digest; "" when
// it is not one.
func canonical(v string) string {
	v, _, _ = strings.Cut(v, "@")
	if v == "" {
		return ""
	}
	if v[0] != 'v' {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return ""
	}
	return v
}
