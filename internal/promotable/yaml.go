package promotable

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/yamledit"
)

// Child returns the value of key in mapping m, or nil. Aliases are
// followed.
func Child(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Scalar returns the value of the scalar at key in m, or "".
func Scalar(m *yaml.Node, key string) string {
	if n := Child(m, key); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// Lookup follows p (key and item steps) from n and returns the node
// reached, or nil when a step is missing.
func Lookup(n *yaml.Node, p yamledit.Path) *yaml.Node {
	for _, s := range p {
		n = deref(n)
		if n == nil {
			return nil
		}
		if s.Field == "" {
			n = Child(n, s.Key)
			continue
		}
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		var found *yaml.Node
		for _, item := range n.Content {
			if Scalar(item, s.Field) == s.Value && Child(item, s.Field) != nil {
				found = item
				break
			}
		}
		n = found
	}
	return deref(n)
}

// SetYAML sets the scalar at e.At.Path of document e.At.Doc to value with
// yamledit (byte-minimal; the value stays a string). Errors name the file,
// line and promotable.
func SetYAML(data []byte, e Edit, value string) ([]byte, error) {
	p, err := yamledit.ParsePath(e.At.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", e.File, e.Name, err)
	}
	return ApplyYAML(data, e, yamledit.Set(p, value))
}

// ApplyYAML applies ops to document e.At.Doc, with errors naming the file,
// line and promotable.
func ApplyYAML(data []byte, e Edit, ops ...yamledit.Op) ([]byte, error) {
	out, err := yamledit.Apply(data, e.At.Doc, ops...)
	if err != nil {
		return nil, EditError(e, err)
	}
	return out, nil
}

// EditError is err, from editing e's file, with the file, line and
// promotable named.
func EditError(e Edit, err error) error {
	var ye *yamledit.Error
	if errors.As(err, &ye) && ye.Line > 0 {
		return fmt.Errorf("%s:%d: set %s: %s", e.File, ye.Line, e.Name, ye.Msg)
	}
	return fmt.Errorf("%s: set %s: %w", e.File, e.Name, err)
}
