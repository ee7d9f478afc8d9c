package promote

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/helm"
	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/parallel"
	"github.com/gitops-promote/promote/internal/promotable"
)

// Unpromotable is a version that the source and the target still render
// differently once the plan is applied: promote found no place it can
// edit that would make them agree.
type Unpromotable struct {
	App string `json:"app,omitempty"`
	// Kind is image or chart.
	Kind string `json:"kind"`
	// Image is the image's name (registry and repository), for images;
	// Chart the chart (or repoURL//path), for chart versions.
	Image string `json:"image,omitempty"`
	Chart string `json:"chart,omitempty"`
	// Source and Target are the versions each environment renders
	// (several separated by ", " when an environment runs several).
	Source string `json:"source"`
	Target string `json:"target"`
	// Where is the file and line that sets the target's version (the
	// target directory when none of its files does); Why says why promote
	// cannot edit it.
	Where string `json:"where"`
	Why   string `json:"why"`
}

// Name is the image or chart the entry is about.
func (u Unpromotable) Name() string {
	if u.Kind == KindChart {
		return u.Chart
	}
	return u.Image
}

// String describes the entry on one line: "repo/app differs (green →
// blue) but promote cannot edit where it is set: file:17 (why)".
func (u Unpromotable) String() string {
	return fmt.Sprintf("%s differs (%s → %s) but promote cannot edit where it is set: %s (%s)", u.Name(), u.Source, u.Target, u.Where, u.Why)
}

// Differs reports whether the environments differ after the plan: it
// has changes, or versions it cannot change.
func (p *Plan) Differs() bool { return !p.Empty() || len(p.Unpromotable) > 0 }

// CheckRenders is the safety net run after planning: it renders each
// source directory the plan read as it is and each target directory with
// the plan's edits laid over it (kustomize build, or the set of YAML
// documents of a plain directory), and records in p.Unpromotable every
// container image and HelmRelease or Argo CD Application chart version
// that both render and that still differs. A directory that does not
// render leaves a note instead. Rollbacks are not checked. It only reads
// trees.
func CheckRenders(p *Plan, trees Trees) error {
	if p.Rollback {
		return nil
	}
	trees, err := trees.For(p.From, p.To)
	if err != nil {
		return err
	}
	edits, err := Apply(p, trees)
	if err != nil {
		return err
	}
	files := make(map[string][]byte, len(edits))
	for _, e := range edits {
		files[e.Path] = e.Data
	}
	after := kustomize.Overlay(trees.Target, files)
	pairs := len(p.Dirs) / 2
	found := make([][]Unpromotable, pairs)
	notes := make([]string, pairs)
	err = parallel.ForEach(pairs, func(i int) error {
		app := ""
		if i < len(p.dirApps) {
			app = p.dirApps[i]
		}
		found[i], notes[i] = compareRenders(app, trees.Source, after, p.Dirs[2*i], p.Dirs[2*i+1])
		for j := range found[i] {
			if leftOut(p.Only, found[i][j].Kind) {
				found[i][j].Why = "left out of this run by --only " + strings.Join(p.Only, ",")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.Unpromotable = nil
	for i := range pairs {
		p.Unpromotable = append(p.Unpromotable, found[i]...)
		if notes[i] != "" {
			p.NotCompared = true
			p.Notes = append(p.Notes, notes[i])
		}
	}
	return nil
}

// compareRenders renders src and dst and lists what still differs, or
// returns a note when either does not render.
func compareRenders(app string, srcFS, dstFS fs.FS, src, dst string) ([]Unpromotable, string) {
	sr, err := kustomize.RenderEnv(srcFS, src)
	if err != nil {
		return nil, fmt.Sprintf("could not compare what %s and %s render, so differences promote cannot edit are not shown: %v", src, dst, err)
	}
	dr, err := kustomize.RenderEnv(dstFS, dst)
	if err != nil {
		return nil, fmt.Sprintf("could not compare what %s and %s render, so differences promote cannot edit are not shown: %v", src, dst, err)
	}
	want, have := renderedVersions(sr.Resources), renderedVersions(dr.Resources)
	var out []Unpromotable
	for _, k := range sortedKeys(have) {
		w, ok := want[k]
		if !ok || slices.Equal(w, have[k]) {
			continue
		}
		u := Unpromotable{App: app, Kind: k.kind, Source: strings.Join(w, ", "), Target: strings.Join(have[k], ", ")}
		if k.kind == KindChart {
			u.Chart = k.name
		} else {
			u.Image = k.name
		}
		u.Where, u.Why = locate(dstFS, dst, k, have[k])
		out = append(out, u)
	}
	return out, ""
}

// versionKey is a rendered promotable: an image by name, a chart.
type versionKey struct{ kind, name string }

func sortedKeys(m map[versionKey][]string) []versionKey {
	keys := make([]versionKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b versionKey) int {
		if c := strings.Compare(a.kind, b.kind); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return keys
}

// renderedVersions reads the versions rendered resources run: each
// container image's tag@digest by image name, and each HelmRelease or
// Application chart's version; sorted, once each.
func renderedVersions(rs []kustomize.Resource) map[versionKey][]string {
	out := map[versionKey][]string{}
	add := func(kind, name, v string) {
		k := versionKey{kind, name}
		if name != "" && v != "" && !slices.Contains(out[k], v) {
			out[k] = append(out[k], v)
			slices.Sort(out[k])
		}
	}
	for _, r := range rs {
		var doc yaml.Node
		if err := yaml.Unmarshal(r.YAML, &doc); err != nil || len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		containerImages(root, 0, func(ref string) {
			img := promotable.ParseImage(ref)
			v := img.Version()
			if v == "" {
				v = "latest"
			}
			add(KindImage, img.Name, v)
		})
		for _, f := range helm.ManifestCharts("", 0, root) {
			add(KindChart, f.Name, f.Value)
		}
	}
	return out
}

// containerImages calls fn with the image of every item of a
// containers:, initContainers: or ephemeralContainers: list under n.
func containerImages(n *yaml.Node, depth int, fn func(string)) {
	if n == nil || depth > 64 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if (k == "containers" || k == "initContainers" || k == "ephemeralContainers") && v.Kind == yaml.SequenceNode {
				for _, c := range v.Content {
					if img := promotable.Scalar(c, "image"); img != "" {
						fn(img)
					}
				}
				continue
			}
			containerImages(v, depth+1, fn)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			containerImages(c, depth+1, fn)
		}
	}
}

// maxLocateDirs bounds the directories locate searches.
const maxLocateDirs = 64

// locate finds the file and line of dir (or of the local bases its
// kustomization includes) that set one of values of k, and says why
// promote cannot edit it there.
func locate(fsys fs.FS, dir string, k versionKey, values []string) (string, string) {
	queue, seen := []string{path.Clean(dir)}, map[string]bool{}
	for len(queue) > 0 && len(seen) < maxLocateDirs {
		d := queue[0]
		queue = queue[1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		files := dirFiles(fsys, d, d == path.Clean(dir))
		for _, f := range files {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				continue
			}
			if line := findValue(string(data), k, values); line > 0 {
				return fmt.Sprintf("%s:%d", f, line), whyHere(string(data), f, line, dir, k)
			}
		}
		if ks, err := kustomize.Find(fsys, d); err == nil && ks != "" {
			if kz, err := kustomize.Read(fsys, ks); err == nil {
				// Components, listed last, take effect over resources.
				dirs := slices.Clone(kz.Dirs)
				slices.Reverse(dirs)
				queue = append(queue, dirs...)
			}
		}
	}
	return dir, "no file of the environment sets it: it comes from a remote base, a generator or a chart promote does not render"
}

// dirFiles lists the regular files of d, recursively when all, skipping
// hidden directories and Helm chart templates.
func dirFiles(fsys fs.FS, d string, all bool) []string {
	var out []string
	_ = fs.WalkDir(fsys, d, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fs.SkipDir
		}
		if e.IsDir() {
			if p != d && (!all || strings.HasPrefix(e.Name(), ".") || kustomize.IsChartTemplates(fsys, p)) {
				return fs.SkipDir
			}
			return nil
		}
		if e.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// findValue returns the 1-based line of data that sets one of values of
// k: an image reference name:tag, or the bare tag or version in a file
// that names the image or chart; 0 when none does.
func findValue(data string, k versionKey, values []string) int {
	lines := strings.Split(data, "\n")
	for _, v := range values {
		full := k.name + ":" + v
		if strings.HasPrefix(v, "sha") {
			full = k.name + "@" + v
		}
		for i, l := range lines {
			if strings.Contains(l, full) {
				return i + 1
			}
		}
	}
	short := path.Base(k.name)
	if !strings.Contains(data, short) {
		return 0
	}
	for _, v := range values {
		tag, _, _ := strings.Cut(v, "@")
		re := regexp.MustCompile(`(^|[\s:="'])` + regexp.QuoteMeta(tag) + `($|[\s"',@])`)
		for i, l := range lines {
			if re.MatchString(l) {
				return i + 1
			}
		}
	}
	return 0
}

// whyHere says why promote does not edit the value at line of file.
func whyHere(data, file string, line int, dir string, k versionKey) string {
	lines := strings.Split(data, "\n")
	switch {
	case !promotable.Inside(path.Clean(dir), file):
		return "it is set in " + path.Dir(file) + ", outside the environment's directory, which promote does not edit"
	case inBlockScalar(lines, line-1):
		return "it is set inside a multi-line string (an inline patch) promote cannot edit"
	case slices.Contains(kustomize.FileNames, path.Base(file)):
		return "the source does not set it the same way, so there is no value to carry here"
	case k.kind == KindChart:
		return "chart versions are promoted only with charts: true (or refs: true for Git sources) in promote.yaml, and when the source sets the version in a matching place"
	case path.Ext(file) != ".yaml" && path.Ext(file) != ".yml":
		return "it is set in a file promote does not read"
	}
	return "the source sets it in a different place, or in a file promote.yaml does not list (helm:, files:)"
}

// inBlockScalar reports whether line i is the content of a block scalar
// (a `key: |` or `key: >` string).
func inBlockScalar(lines []string, i int) bool {
	if i < 0 || i >= len(lines) {
		return false
	}
	low := indentOf(lines[i])
	for j := i - 1; j >= 0 && low > 0; j-- {
		l := strings.TrimRight(lines[j], " \t\r")
		if strings.TrimSpace(l) == "" || indentOf(l) >= low {
			continue
		}
		if blockHeader.MatchString(l) {
			return true
		}
		low = indentOf(l)
	}
	return false
}

var blockHeader = regexp.MustCompile(`(:|^\s*-)\s+[|>][0-9+-]*\s*(#.*)?$`)

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// Matches says, for a plan with no changes, how the target stands: "prod
// already matches staging", or that it still differs where promote
// cannot edit.
func (p *Plan) Matches() string {
	n := len(p.Unpromotable)
	switch {
	case n == 0 && p.NotCompared:
		return fmt.Sprintf("%s has nothing to promote from %s (what they render could not be compared)", p.To, p.From)
	case n == 0:
		return fmt.Sprintf("%s already matches %s", p.To, p.From)
	case n == 1:
		return fmt.Sprintf("%s still differs from %s where promote cannot edit: %s", p.To, p.From, p.Unpromotable[0])
	}
	return fmt.Sprintf("%s still differs from %s in %d versions promote cannot edit (%s, ...)", p.To, p.From, n, p.Unpromotable[0].Name())
}

// Resource is one resource of a kustomize build, as the rendered checks
// read it.
type Resource = kustomize.Resource

// RenderedImages lists the names of the container images a rendered
// resource runs.
func RenderedImages(r Resource) []string {
	var out []string
	for k := range renderedVersions([]kustomize.Resource{r}) {
		if k.kind == KindImage {
			out = append(out, k.name)
		}
	}
	slices.Sort(out)
	return out
}
