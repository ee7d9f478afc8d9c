package helm

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// ValuesName names the values unit in locators.
const ValuesName = "helm-values"

// ValuesFile is one values file and the paths in it that travel.
type ValuesFile struct {
	// File is relative to the environment directory.
	File string
	// Paths are yamledit paths (image.tag, workers[name=a].image.tag).
	// A path naming a mapping with repository/tag/digest is an image
	// block: those travel together.
	Paths []string
}

// Values is the scanner of values in Helm values files.
type Values struct {
	Files []ValuesFile
}

// Name implements promotable.Scanner.
func (Values) Name() string { return ValuesName }

// imageFields are the keys of an image block, in the order they are set.
var imageFields = []string{"repository", "tag", "digest"}

// Scan implements promotable.Scanner. A configured file missing from the
// directory is an error; a path missing from the file is not (it may be
// added).
func (v Values) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	var out []promotable.Found
	for _, vf := range v.Files {
		file := path.Join(d.Path, d.Expand(vf.File))
		docs, err := d.Documents(file)
		if promotable.IsNotExist(err) {
			return nil, fmt.Errorf("helm: values file %s does not exist", file)
		}
		if err != nil {
			return nil, err
		}
		if len(docs) == 0 || docs[0] == nil {
			continue
		}
		for _, p := range vf.Paths {
			f, ok, err := valueAt(file, docs[0], vf.File, p)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

func valueAt(file string, root *yaml.Node, rel, p string) (promotable.Found, bool, error) {
	yp, err := yamledit.ParsePath(p)
	if err != nil {
		return promotable.Found{}, false, fmt.Errorf("helm: %s: %w", file, err)
	}
	n := promotable.Lookup(root, yp)
	f := promotable.Found{Kind: promotable.KindHelm, Key: rel + "#" + p, Name: p, File: file,
		At: promotable.Locator{Scanner: ValuesName, Path: p}}
	switch {
	case n == nil:
		return f, false, nil
	case n.Kind == yaml.ScalarNode:
		f.Value, f.Line = n.Value, n.Line
		return f, true, nil
	case n.Kind == yaml.MappingNode && isImageBlock(n):
		img := promotable.Image{Name: promotable.Scalar(n, "repository"), Tag: promotable.Scalar(n, "tag"), Digest: promotable.Scalar(n, "digest")}
		f.Value, f.Image, f.Line = imageValue(img), &img, n.Line
		return f, true, nil
	}
	return f, false, fmt.Errorf("%s:%d: helm: %s: expected a value or an image block (repository, tag, digest), found a %s", file, n.Line, p, kindName(n))
}

func isImageBlock(n *yaml.Node) bool {
	for _, k := range imageFields {
		if c := promotable.Child(n, k); c != nil && c.Kind == yaml.ScalarNode {
			return true
		}
	}
	return false
}

// imageValue shows an image block: repository:tag@digest.
func imageValue(img promotable.Image) string {
	s := img.String()
	return strings.TrimPrefix(s, ":")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping without repository, tag or digest"
	case yaml.SequenceNode:
		return "list"
	}
	return "node"
}

// Add implements promotable.Adder: a value only the source has is added
// to the target's file when the mapping that holds it exists there.
func (v Values) Add(target *promotable.Dir, src promotable.Found) (promotable.Found, bool, error) {
	rel, p, _ := strings.Cut(src.Key, "#")
	file := path.Join(target.Path, target.Expand(rel))
	docs, err := target.Documents(file)
	if err != nil {
		return promotable.Found{}, false, err
	}
	yp, err := yamledit.ParsePath(p)
	if err != nil {
		return promotable.Found{}, false, err
	}
	parent := yp[:len(yp)-1]
	if src.Image != nil {
		parent = yp
	}
	if len(docs) == 0 || docs[0] == nil || promotable.Lookup(docs[0], parent) == nil || yp[len(yp)-1].Field != "" {
		return promotable.Found{}, false, fmt.Errorf("helm: %s: %s is set in the source but %s has no %s to add it to: add it by hand once", file, p, file, where(parent))
	}
	f := src
	f.File, f.Line, f.Value, f.Image = file, 0, "", nil
	return f, true, nil
}

func where(p yamledit.Path) string {
	if len(p) == 0 {
		return "document"
	}
	return p.String()
}

// Edit implements promotable.Editor: a scalar is set; for an image block
// the repository and tag are set and the digest set or removed.
func (Values) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	if e.Image == nil {
		return promotable.SetYAML(data, e, e.New)
	}
	base, err := yamledit.ParsePath(e.At.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", e.File, e.Name, err)
	}
	var ops []yamledit.Op
	for _, k := range imageFields {
		p := append(base[:len(base):len(base)], yamledit.Key(k))
		switch v := imageField(*e.Image, k); {
		case v != "":
			ops = append(ops, yamledit.Set(p, v))
		case k != "repository":
			ops = append(ops, yamledit.Delete(p))
		}
	}
	return promotable.ApplyYAML(data, e, ops...)
}

func imageField(img promotable.Image, k string) string {
	switch k {
	case "repository":
		return img.Name
	case "tag":
		return img.Tag
	}
	return img.Digest
}
