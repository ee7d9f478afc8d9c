package scaffold

import (
	"bytes"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/gitops-promote/promote/internal/safeyaml"
	"go.yaml.in/yaml/v3"
)

// maxInspect bounds the size of a file read to infer what travels.
const maxInspect = 1 << 20

// copied are the files that promotion tutorials and real repositories
// promote whole: the image patch and the settings of an environment.
var copied = []string{"version.yaml", "version.yml", "settings.yaml", "settings.yml"}

// infer decides what travels, from the environments' directories:
// images always; version/settings files and config/*.properties present
// in every environment; Helm values with an image; chart versions and
// refs where the manifests pin them.
func infer(fsys fs.FS, l *Layout) error {
	dirs := envDirsOf(l)
	if len(dirs) == 0 {
		l.Notes = append(l.Notes, "environments live on branches: only images are promoted; add files:, helm: or charts: as needed")
		return nil
	}
	for _, name := range copied {
		if inAll(fsys, dirs, name) {
			l.Promote.Files = append(l.Promote.Files, name)
		}
	}
	if allHave(fsys, dirs, func(dir string) bool { m, _ := fs.Glob(fsys, path.Join(dir, "config/*.properties")); return len(m) > 0 }) {
		l.Promote.Files = append(l.Promote.Files, "config/*.properties")
	}
	if p := helmImagePath(fsys, dirs); p != "" {
		l.Promote.Helm = append(l.Promote.Helm, Helm{File: "values.yaml", Paths: []string{p}})
	}
	for _, dir := range dirs {
		charts, refs := pins(fsys, dir)
		l.Promote.Charts = l.Promote.Charts || charts
		l.Promote.Refs = l.Promote.Refs || refs
	}
	return nil
}

// envDirsOf lists the environments' directories (of the first app in a
// monorepo), empty for branch environments.
func envDirsOf(l *Layout) []string {
	var dirs []string
	for _, e := range l.Envs {
		switch {
		case l.Kind == Apps && len(l.Apps) > 0:
			dirs = append(dirs, strings.NewReplacer("{app}", l.Apps[0], "{env}", e.Name).Replace(l.AppsPath))
		case e.Path != "":
			dirs = append(dirs, e.Path)
		}
	}
	return dirs
}

func inAll(fsys fs.FS, dirs []string, name string) bool {
	return allHave(fsys, dirs, func(dir string) bool {
		info, err := fs.Stat(fsys, path.Join(dir, name))
		return err == nil && info.Mode().IsRegular()
	})
}

func allHave(fsys fs.FS, dirs []string, has func(string) bool) bool {
	for _, d := range dirs {
		if !has(d) {
			return false
		}
	}
	return len(dirs) > 0
}

// helmImagePath is the path of the image in every environment's
// values.yaml: "image" for a block with repository and tag, "image.tag"
// for a tag alone, "" when not every environment has one.
func helmImagePath(fsys fs.FS, dirs []string) string {
	found := ""
	for _, d := range dirs {
		p := valuesImage(fsys, path.Join(d, "values.yaml"))
		if p == "" || found != "" && p != found {
			return ""
		}
		found = p
	}
	return found
}

func valuesImage(fsys fs.FS, file string) string {
	data, err := readSmall(fsys, file)
	if err != nil {
		return ""
	}
	var v struct {
		Image map[string]any `yaml:"image"`
	}
	// Checked first: decoding into Go values expands aliases.
	if safeyaml.Check(file, data) != nil || yaml.Unmarshal(data, &v) != nil || v.Image == nil {
		return ""
	}
	_, repo := v.Image["repository"]
	_, tag := v.Image["tag"]
	switch {
	case repo && tag:
		return "image"
	case tag:
		return "image.tag"
	}
	return ""
}

var (
	chartPin = regexp.MustCompile(`(?m)^kind:\s*(HelmRelease|Application)\s*$|^helmCharts:`)
	refPin   = regexp.MustCompile(`\?ref=|(?m)^kind:\s*GitRepository\s*$`)
)

// pins reports whether the YAML under dir pins chart versions or refs.
func pins(fsys fs.FS, dir string) (charts, refs bool) {
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && skipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext != ".yaml" && ext != ".yml" && d.Name() != "Kustomization" {
			return nil
		}
		data, err := readSmall(fsys, p)
		if err != nil {
			return nil
		}
		charts = charts || chartPin.Match(data)
		refs = refs || refPin.Match(data)
		return nil
	})
	return charts, refs
}

// readSmall reads a regular file of at most maxInspect bytes.
func readSmall(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() || info.Size() > maxInspect {
		return nil, fs.ErrInvalid
	}
	data, err := fs.ReadFile(fsys, name)
	return bytes.TrimPrefix(data, []byte("\ufeff")), err
}
