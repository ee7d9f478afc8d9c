package manifests

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// ScannerName names the unit in locators.
const ScannerName = "manifest"

// Images is the scanner of container images in manifests and patches.
type Images struct{}

// Name implements promotable.Scanner.
func (Images) Name() string { return ScannerName }

// podSpecs maps a workload kind to the path of its pod spec.
var podSpecs = map[string][]string{
	"Deployment":  {"spec", "template", "spec"},
	"StatefulSet": {"spec", "template", "spec"},
	"DaemonSet":   {"spec", "template", "spec"},
	"ReplicaSet":  {"spec", "template", "spec"},
	"Job":         {"spec", "template", "spec"},
	"Rollout":     {"spec", "template", "spec"},
	"CronJob":     {"spec", "jobTemplate", "spec", "template", "spec"},
	"Pod":         {"spec"},
}

// containerLists are the pod spec fields holding containers.
var containerLists = []string{"initContainers", "containers"}

// Scan implements promotable.Scanner: the images of the directory's
// manifest files (promotable.Dir.ManifestFiles), patches first.
func (Images) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	set, err := transformed(d)
	if err != nil {
		return nil, err
	}
	// Inline patches take effect over the files a kustomization lists.
	out, err := inlineFound(d, set)
	if err != nil {
		return nil, err
	}
	err = d.ManifestDocuments([]string{"image"}, func(f string, i int, root *yaml.Node) {
		for _, found := range scanDocument(f, i, root) {
			if !set[found.Key] {
				out = append(out, found)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inlineFound lists the images of the inline patches of the directory's
// kustomizations that no images: entry sets.
func inlineFound(d *promotable.Dir, set map[string]bool) ([]promotable.Found, error) {
	ks, err := d.Kustomizations()
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, k := range ks {
		found, err := inlineImages(d, k)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			if !set[f.Key] {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// transformed are the images the directory's kustomizations set with
// images: entries: kustomize's image transformer overrides what the
// manifests say, so those are promoted as image entries instead.
func transformed(d *promotable.Dir) (map[string]bool, error) {
	ks, err := d.Kustomizations()
	if err != nil {
		return nil, err
	}
	var set map[string]bool
	for _, k := range ks {
		for _, img := range k.Images {
			if set == nil {
				set = map[string]bool{}
			}
			set[img.Name] = true
		}
	}
	return set, nil
}

func scanDocument(file string, doc int, root *yaml.Node) []promotable.Found {
	switch {
	case root == nil:
		return nil
	case root.Kind == yaml.SequenceNode:
		return json6902Images(file, doc, root)
	case root.Kind == yaml.MappingNode:
		return workloadImages(file, doc, root)
	}
	return nil
}

// workloadImages reads the containers of a workload manifest or patch.
func workloadImages(file string, doc int, root *yaml.Node) []promotable.Found {
	spec, ok := podSpecs[promotable.Scalar(root, "kind")]
	if !ok {
		return nil
	}
	var base yamledit.Path
	for _, k := range spec {
		base = append(base, yamledit.Key(k))
	}
	podSpec := promotable.Lookup(root, base)
	var out []promotable.Found
	for _, list := range containerLists {
		seq := promotable.Child(podSpec, list)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range seq.Content {
			name, img := promotable.Scalar(c, "name"), promotable.Child(c, "image")
			if name == "" || img == nil || img.Kind != yaml.ScalarNode || img.Value == "" {
				continue
			}
			p := append(base[:len(base):len(base)], yamledit.Key(list), yamledit.Item("name", name), yamledit.Key("image"))
			out = append(out, found(file, doc, img, p))
		}
	}
	return out
}

// imageOpPath matches JSON 6902 paths of a container image, or of a whole
// container.
var imageOpPath = regexp.MustCompile(`^/spec(/jobTemplate/spec)?(/template/spec)?/(initContainers|containers)/([0-9]+|-)(/image)?$`)

// json6902Images reads the add and replace operations of a JSON 6902 patch
// that set a container image (or add a container with one).
func json6902Images(file string, doc int, root *yaml.Node) []promotable.Found {
	count := map[string]int{}
	for _, op := range root.Content {
		count[promotable.Scalar(op, "path")]++
	}
	var out []promotable.Found
	for _, op := range root.Content {
		kind, opPath := promotable.Scalar(op, "op"), promotable.Scalar(op, "path")
		m := imageOpPath.FindStringSubmatch(opPath)
		if (kind != "replace" && kind != "add") || m == nil || count[opPath] > 1 {
			continue
		}
		p := yamledit.Path{yamledit.Item("path", opPath), yamledit.Key("value")}
		val := promotable.Child(op, "value")
		if m[5] == "" {
			p = append(p, yamledit.Key("image"))
			val = promotable.Child(val, "image")
		}
		if val == nil || val.Kind != yaml.ScalarNode || val.Value == "" {
			continue
		}
		out = append(out, found(file, doc, val, p))
	}
	return out
}

func found(file string, doc int, n *yaml.Node, p yamledit.Path) promotable.Found {
	img := promotable.ParseImage(n.Value)
	return promotable.Found{
		Kind: promotable.KindImage, Key: img.Name, Name: img.Name, Value: img.Version(), Image: &img,
		File: file, Line: n.Line, At: promotable.Locator{Scanner: ScannerName, Doc: doc, Path: p.String()},
	}
}

// Edit implements promotable.Editor: the image keeps its name (e.Name)
// and gets the tag and digest of e.Image.
func (Images) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	if e.Image == nil {
		return nil, fmt.Errorf("%s: set image %s: no image given", e.File, e.Name)
	}
	img := promotable.Image{Name: e.Name, Tag: e.Image.Tag, Digest: e.Image.Digest}
	if e.At.Inline != nil {
		return editInline(data, e, img.String())
	}
	return promotable.SetYAML(data, e, img.String())
}
