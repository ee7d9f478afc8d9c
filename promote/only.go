package promote

import (
	"fmt"
	"slices"
	"strings"
)

// OnlyKinds are the kinds a run may be limited to (promote --only): images
// (kustomize images: entries and container images), files, helm (values),
// charts (chart versions), refs (remote bases, GitRepository refs) and
// terraform (variables and modules).
var OnlyKinds = []string{"images", "files", "helm", "charts", "refs", "terraform"}

func checkOnly(kinds []string) error {
	for _, k := range kinds {
		if !slices.Contains(OnlyKinds, k) {
			return fmt.Errorf("--only %q: expected one of %s", k, strings.Join(OnlyKinds, ", "))
		}
	}
	return nil
}

// Only returns p limited to kinds (OnlyKinds): what they do not name does
// not travel. No kinds keeps p as it is.
func (p Promotables) Only(kinds []string) Promotables {
	if len(kinds) == 0 {
		return p
	}
	has := func(k string) bool { return slices.Contains(kinds, k) }
	if !has("images") {
		off := false
		p.Images = &off
	}
	if !has("files") {
		p.Files = nil
	}
	if !has("helm") {
		p.Helm = nil
	}
	if !has("charts") {
		p.Charts = false
	}
	if !has("refs") {
		p.Refs = false
	}
	if !has("terraform") {
		p.Terraform = nil
	}
	return p
}

// leftOut reports whether a run limited to only does not carry kind
// (image or chart).
func leftOut(only []string, kind string) bool {
	if len(only) == 0 {
		return false
	}
	want := "images"
	if kind == KindChart {
		want = "charts"
	}
	return !slices.Contains(only, want)
}
