package safeyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/fileerr"
)

// Limits bound what one file may make a parser do.
type Limits struct {
	// MaxBytes is the largest file read, in bytes.
	MaxBytes int
	// MaxDocuments is the most YAML documents in one file.
	MaxDocuments int
	// MaxDepth is the deepest nesting of mappings and sequences.
	MaxDepth int
	// MaxAliasNodes is the most nodes that expanding every alias of a
	// file may add to it.
	MaxAliasNodes int
}

// Default are the limits promote applies to every YAML file it reads from
// a repository: promote.yaml, kustomizations, manifests, values files,
// and every file kustomize reads while rendering.
var Default = Limits{
	MaxBytes:      8 << 20,
	MaxDocuments:  10000,
	MaxDepth:      100,
	MaxAliasNodes: 100000,
}

// CheckSize refuses data larger than the default limit.
func CheckSize(name string, data []byte) error {
	return Default.checkSize(name, data)
}

func (l Limits) checkSize(name string, data []byte) error {
	if len(data) > l.MaxBytes {
		return &fileerr.Error{File: name, Msg: fmt.Sprintf("file is %d bytes: refused, the limit is %d", len(data), l.MaxBytes)}
	}
	return nil
}

// Decode parses every YAML document of data under the default limits and
// returns each document node (Kind yaml.DocumentNode). A YAML syntax
// error is returned as a *fileerr.Error whose message starts with
// prefix.
func Decode(name string, data []byte, prefix string) ([]*yaml.Node, error) {
	return Default.Decode(name, data, prefix)
}

// Decode parses every YAML document of data under l; see Decode.
func (l Limits) Decode(name string, data []byte, prefix string) ([]*yaml.Node, error) {
	if err := l.checkSize(name, data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	w := &walker{l: l, file: name}
	var out []*yaml.Node
	for {
		doc := new(yaml.Node)
		err := dec.Decode(doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fileerr.FromYAML(name, err, prefix)
		}
		if len(out) == l.MaxDocuments {
			return nil, w.errorf(doc, "more than %d YAML documents: refused", l.MaxDocuments)
		}
		if err := w.check(doc); err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
}

// Check applies the default limits to data as far as it is valid YAML:
// it returns nil for data that is not YAML at all (or stops being YAML),
// leaving that for the reader to report, and an error for a file that is
// YAML but too large, too deep, too many documents or aliases, or that
// repeats a key.
func Check(name string, data []byte) error {
	if err := Default.checkSize(name, data); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	w := &walker{l: Default, file: name}
	for n := 0; ; n++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil
		}
		if n == Default.MaxDocuments {
			return w.errorf(&doc, "more than %d YAML documents: refused", Default.MaxDocuments)
		}
		if err := w.check(&doc); err != nil {
			return err
		}
	}
}

// walker checks the documents of one file; the alias budget is shared by
// all of them.
type walker struct {
	l        Limits
	file     string
	expanded int
	sizes    map[*yaml.Node]int
}

func (w *walker) errorf(n *yaml.Node, format string, args ...any) error {
	return &fileerr.Error{File: w.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

func (w *walker) check(doc *yaml.Node) error {
	_, err := w.walk(doc, 0)
	return err
}

// walk returns the number of nodes n stands for once its aliases are
// expanded.
func (w *walker) walk(n *yaml.Node, depth int) (int, error) {
	if depth > w.l.MaxDepth {
		return 0, w.errorf(n, "nesting deeper than %d levels: refused", w.l.MaxDepth)
	}
	size := 1
	switch n.Kind {
	case yaml.AliasNode:
		s, ok := w.sizes[n.Alias]
		if !ok {
			return 0, w.errorf(n, "alias *%s refers to no anchor before it", n.Value)
		}
		w.expanded += s
		if w.expanded > w.l.MaxAliasNodes {
			return 0, w.errorf(n, "alias *%s: expanding aliases makes more than %d nodes: refused", n.Value, w.l.MaxAliasNodes)
		}
		return s, nil
	case yaml.MappingNode:
		if err := w.uniqueKeys(n); err != nil {
			return 0, err
		}
	}
	for _, c := range n.Content {
		s, err := w.walk(c, depth+1)
		if err != nil {
			return 0, err
		}
		size += s
	}
	if n.Anchor != "" {
		if w.sizes == nil {
			w.sizes = map[*yaml.Node]int{}
		}
		w.sizes[n] = size
	}
	return size, nil
}

// uniqueKeys refuses a mapping that names a scalar key twice (merge keys
// "<<" aside).
func (w *walker) uniqueKeys(m *yaml.Node) error {
	type key struct{ tag, value string }
	keys := len(m.Content) / 2
	if keys < 2 {
		return nil
	}
	var seen map[key]*yaml.Node
	if keys > 16 {
		seen = make(map[key]*yaml.Node, keys)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" && k.Tag != "!!str" {
			continue
		}
		id := key{k.ShortTag(), k.Value}
		var first *yaml.Node
		if seen != nil {
			first = seen[id]
			if first == nil {
				seen[id] = k
			}
		} else {
			for j := 0; j < i; j += 2 {
				p := m.Content[j]
				if p.Kind == yaml.ScalarNode && p.Value == k.Value && p.ShortTag() == id.tag {
					first = p
					break
				}
			}
		}
		if first != nil {
			return w.errorf(k, "key %s: already at line %d", k.Value, first.Line)
		}
	}
	return nil
}
