package manifests

import (
	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/kustomize"
	"github.com/gitops-promote/promote/internal/promotable"
	"github.com/gitops-promote/promote/internal/yamledit"
)

// inlineFields are the kustomization fields whose items may hold a patch
// as a string.
var inlineFields = []string{"patches", "patchesJson6902", "patchesStrategicMerge"}

// inlineImages reads the images set by the inline patches of a
// kustomization: JSON 6902 operations and strategic-merge patches written
// as literal block scalars (`patch: |-`). Their lines are the
// kustomization's; their locators name the patch (Inline) and the path
// inside it. Patches written as folded or quoted strings are left out:
// they cannot be edited byte-minimally.
func inlineImages(d *promotable.Dir, k *kustomize.Kustomization) ([]promotable.Found, error) {
	if !k.Mentions("atches") {
		return nil, nil // no patches field: nothing to parse
	}
	docs, err := d.Documents(k.File)
	if err != nil || len(docs) == 0 || docs[0] == nil {
		return nil, err
	}
	var out []promotable.Found
	for _, field := range inlineFields {
		seq := promotable.Child(docs[0], field)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for i := range seq.Content {
			n := inlineScalar(docs[0], promotable.Inline{Field: field, Index: i})
			if n == nil {
				continue
			}
			inner, err := promotable.ParseDocuments(k.File, []byte(n.Value))
			if err != nil {
				continue // kustomize reports a patch that is not YAML
			}
			for j, root := range inner {
				for _, f := range scanDocument(k.File, j, root) {
					f.Line += n.Line
					f.At.Inline = &promotable.Inline{Field: field, Index: i}
					out = append(out, f)
				}
			}
		}
	}
	return out, nil
}

// inlineScalar returns the literal block scalar an Inline names in a
// kustomization's root, or nil.
func inlineScalar(root *yaml.Node, in promotable.Inline) *yaml.Node {
	seq := promotable.Child(root, in.Field)
	if seq == nil || seq.Kind != yaml.SequenceNode || in.Index < 0 || in.Index >= len(seq.Content) {
		return nil
	}
	n := seq.Content[in.Index]
	if in.Field != "patchesStrategicMerge" {
		n = promotable.Child(n, "patch")
	}
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&yaml.LiteralStyle == 0 {
		return nil
	}
	return n
}

// editInline sets the image an inline patch holds, inside its block
// scalar.
func editInline(data []byte, e promotable.Edit, value string) ([]byte, error) {
	in := *e.At.Inline
	find := func(root *yaml.Node) *yaml.Node { return inlineScalar(root, in) }
	inner := e
	inner.At.Inline = nil
	out, err := yamledit.EditLiteral(data, 0, find, func(text []byte) ([]byte, error) {
		return promotable.SetYAML(text, inner, value)
	})
	if err != nil {
		return nil, promotable.EditError(e, err)
	}
	return out, nil
}
