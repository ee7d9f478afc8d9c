package kustomize

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// RenderPlain builds a directory without a kustomization as the set of
// its YAML documents: every .yaml and .yml file under dir (hidden
// directories and a Helm chart's templates/ left out), each document
// with an apiVersion and a kind a resource, in file order. Documents that
// are not resources (Helm values, configuration files) are skipped. A
// file that is not YAML is a *BuildError naming it.
func RenderPlain(fsys fs.FS, dir string) (*Rendering, error) {
	dir = path.Clean(dir)
	files, err := PlainFiles(fsys, dir)
	if err != nil {
		return nil, &BuildError{Plain: true, Dir: dir, Msg: err.Error()}
	}
	r := &Rendering{Dir: dir}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, &BuildError{Plain: true, Dir: dir, File: f, Msg: fmt.Sprintf("read %s: %v", f, err)}
		}
		nodes, err := kio.FromBytes(data)
		if err != nil {
			return nil, &BuildError{Plain: true, Dir: dir, File: f, Msg: fmt.Sprintf("%s: invalid YAML: %v", f, err)}
		}
		for _, n := range nodes {
			if n.GetApiVersion() == "" || n.GetKind() == "" {
				continue
			}
			y, err := n.String()
			if err != nil {
				return nil, &BuildError{Plain: true, Dir: dir, File: f, Msg: fmt.Sprintf("encode %s: %v", f, err)}
			}
			id := ResourceID{APIVersion: n.GetApiVersion(), Kind: n.GetKind(), Namespace: n.GetNamespace(), Name: n.GetName()}
			r.Resources = append(r.Resources, Resource{ID: id, YAML: []byte(y)})
		}
	}
	return r, nil
}

// RenderEnv builds an environment directory: with kustomize when it has
// a kustomization (Render), as its plain YAML documents otherwise
// (RenderPlain).
func RenderEnv(fsys fs.FS, dir string) (*Rendering, error) {
	top, err := Find(fsys, dir)
	if err != nil {
		return nil, err
	}
	if top == "" {
		return RenderPlain(fsys, dir)
	}
	return Render(fsys, dir)
}

// PlainFiles lists the YAML files of a plain directory, sorted. A
// directory holding a Chart.yaml is a Helm chart: its templates/ are Go
// templates, not YAML, and are left out.
func PlainFiles(fsys fs.FS, dir string) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("list %s: %w", dir, err)
		}
		if e.IsDir() {
			if p != dir && (strings.HasPrefix(e.Name(), ".") || IsChartTemplates(fsys, p)) {
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// IsChartTemplates reports whether dir is the templates/ (or charts/)
// directory of a Helm chart: a sibling Chart.yaml exists.
func IsChartTemplates(fsys fs.FS, dir string) bool {
	base := path.Base(dir)
	if base != "templates" && base != "charts" {
		return false
	}
	_, err := fs.Stat(fsys, path.Join(path.Dir(dir), "Chart.yaml"))
	return err == nil
}
