package helm

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// ChartsName names the chart versions unit in locators.
const ChartsName = "chart"

// Charts is the scanner of chart versions: helmCharts: entries of the
// directory's kustomizations, and Argo CD Applications and Flux
// HelmReleases among its manifest files. A chart is known by its name
// (for an Argo CD source without a chart, by its repoURL).
type Charts struct{}

// Name implements promotable.Scanner.
func (Charts) Name() string { return ChartsName }

// Scan implements promotable.Scanner.
func (Charts) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	out, err := kustomizeCharts(d)
	if err != nil {
		return nil, err
	}
	err = d.ManifestDocuments([]string{"Application", "HelmRelease"}, func(f string, i int, root *yaml.Node) {
		out = append(out, ManifestCharts(f, i, root)...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// kustomizeCharts reads helmCharts: entries (name, version).
func kustomizeCharts(d *promotable.Dir) ([]promotable.Found, error) {
	ks, err := d.Kustomizations()
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, k := range ks {
		if !k.Mentions("helmCharts") {
			continue
		}
		docs, err := d.Documents(k.File)
		if err != nil || len(docs) == 0 {
			return nil, err
		}
		seq := promotable.Child(docs[0], "helmCharts")
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range seq.Content {
			name := promotable.Scalar(item, "name")
			p := yamledit.Path{yamledit.Key("helmCharts"), yamledit.Item("name", name), yamledit.Key("version")}
			if f, ok := chart(k.File, 0, item, "version", name, p); ok {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// ManifestCharts reads the chart versions of a manifest, an Argo CD
// Application's or a Flux HelmRelease's (nil for other kinds).
func ManifestCharts(file string, doc int, root *yaml.Node) []promotable.Found {
	api, kind := promotable.Scalar(root, "apiVersion"), promotable.Scalar(root, "kind")
	switch {
	case kind == "Application" && strings.HasPrefix(api, "argoproj.io/"):
		return applicationCharts(file, doc, root)
	case kind == "HelmRelease" && strings.HasPrefix(api, "helm.toolkit.fluxcd.io/"):
		spec := promotable.Lookup(root, yamledit.Path{yamledit.Key("spec"), yamledit.Key("chart"), yamledit.Key("spec")})
		p := yamledit.Path{yamledit.Key("spec"), yamledit.Key("chart"), yamledit.Key("spec"), yamledit.Key("version")}
		name := promotable.Scalar(spec, "chart")
		key := name
		if name == "" {
			// A patch that only pins the version (Flux's per-environment
			// overlays): known by the release it patches.
			meta := promotable.Child(root, "metadata")
			name = promotable.Scalar(meta, "name")
			key = "HelmRelease " + promotable.Scalar(meta, "namespace") + "/" + name
		}
		if f, ok := chart(file, doc, spec, "version", name, p); ok {
			f.Key = key
			return []promotable.Found{f}
		}
	}
	return nil
}

// applicationCharts reads spec.source and each of spec.sources. Sources
// are paired by what they are, not by repoURL alone: a values source by
// its ref, a chart by its name, a Git path source by its repoURL (and its
// path when the Application has several path sources on one repoURL).
func applicationCharts(file string, doc int, root *yaml.Node) []promotable.Found {
	var out []promotable.Found
	spec := promotable.Child(root, "spec")
	if src := promotable.Child(spec, "source"); src != nil {
		p := yamledit.Path{yamledit.Key("spec"), yamledit.Key("source"), yamledit.Key("targetRevision")}
		if f, ok := chart(file, doc, src, "targetRevision", sourceName(src), p); ok {
			out = append(out, f)
		}
	}
	seq := promotable.Child(spec, "sources")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return out
	}
	paths := map[string]int{}
	for _, src := range seq.Content {
		if sourceField(src) == "path" {
			paths[promotable.Scalar(src, "repoURL")]++
		}
	}
	for _, src := range seq.Content {
		field := sourceField(src)
		value := promotable.Scalar(src, field)
		p := yamledit.Path{yamledit.Key("spec"), yamledit.Key("sources"), yamledit.Item(field, value), yamledit.Key("targetRevision")}
		f, ok := chart(file, doc, src, "targetRevision", sourceName(src), p)
		if !ok {
			continue
		}
		switch repo := promotable.Scalar(src, "repoURL"); {
		case field == "ref":
			f.Key, f.Name = repo+" ref="+value, sourceName(src)+" (ref "+value+")"
		case field == "path" && paths[repo] > 1:
			f.Key = repo + " path=" + value
		case field == "path":
			f.Key = repo + " path"
		}
		out = append(out, f)
	}
	return out
}

// sourceField is the field that tells an Argo CD source apart among the
// Application's sources: ref, chart, path, else repoURL.
func sourceField(src *yaml.Node) string {
	for _, f := range []string{"ref", "chart", "path"} {
		if promotable.Scalar(src, f) != "" {
			return f
		}
	}
	return "repoURL"
}

// sourceName is a chart's name, or a git source's repoURL.
func sourceName(src *yaml.Node) string {
	if c := promotable.Scalar(src, "chart"); c != "" {
		return c
	}
	return strings.TrimSuffix(promotable.Scalar(src, "repoURL"), ".git")
}

func chart(file string, doc int, m *yaml.Node, key, name string, p yamledit.Path) (promotable.Found, bool) {
	v := promotable.Child(m, key)
	if name == "" || v == nil || v.Kind != yaml.ScalarNode || v.Value == "" {
		return promotable.Found{}, false
	}
	return promotable.Found{Kind: promotable.KindChart, Key: name, Name: name, Value: v.Value, File: file, Line: v.Line,
		At: promotable.Locator{Scanner: ChartsName, Doc: doc, Path: p.String()}}, true
}

// Edit implements promotable.Editor.
func (Charts) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	return promotable.SetYAML(data, e, e.New)
}
