package yamledit

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// Op is one edit; create it with Set, Delete or Append.
type Op interface {
	apply(e *editor) error
	target() Path
}

// Field is one key and string value of a mapping item to append.
type Field struct{ Key, Value string }

type setOp struct {
	path  Path
	value string
}

type deleteOp struct{ path Path }

type appendOp struct {
	path   Path
	fields []Field
}

// Set sets the scalar at p (last step must be a Key) to value. If the key is
// missing from its (existing) parent mapping, it is added after the mapping's
// last entry with the same indentation (block) or before the closing `}`
// (flow). The parent (everything but the last step) must exist: otherwise an
// error. If the value is already equal, nothing changes.
func Set(p Path, value string) Op { return setOp{path: slices.Clone(p), value: value} }

// Delete removes key p (last step a Key) from its mapping: the whole line(s)
// of a block entry (including a trailing comment on that line), or the entry
// and one adjacent comma in a flow mapping. A missing key (or missing parent)
// is not an error. Removing the only entry of a block mapping leaves `{}`.
func Delete(p Path) Op { return deleteOp{path: slices.Clone(p)} }

// Append appends a mapping with the fields, in order, to the sequence at p.
// If p's last key is missing from its parent mapping (or has an empty
// value), the key is added with a block sequence holding the item. If the
// sequence is flow style, the item is written in flow style
// `{name: a, newTag: "1"}`; if block style, it follows the existing items'
// indentation and indentless/indented style; for an empty flow sequence `[]`
// flow style is written. The empty path appends to a root sequence.
func Append(p Path, fields ...Field) Op {
	return appendOp{path: slices.Clone(p), fields: slices.Clone(fields)}
}

func (o setOp) target() Path    { return o.path }
func (o deleteOp) target() Path { return o.path }
func (o appendOp) target() Path { return o.path }

func (o setOp) apply(e *editor) error {
	m, err := e.parentMapping(o.path, false)
	if err != nil {
		return err
	}
	key := o.path[len(o.path)-1].Key
	i, err := e.findKey(m, key)
	if err != nil {
		return err
	}
	if i < 0 {
		if e.scalarsOnly {
			return errNotScalar
		}
		return e.addScalarEntry(m, key, o.value)
	}
	return e.setScalar(m, i, o.value)
}

func (o deleteOp) apply(e *editor) error {
	m, err := e.parentMapping(o.path, true)
	if err != nil || m == nil {
		return err
	}
	i, err := e.findKey(m, o.path[len(o.path)-1].Key)
	if err != nil || i < 0 {
		return err
	}
	if a := usedAnchor(e.root, m.Content[i:i+2]); a != "" {
		return e.fail(m.Content[i], "cannot delete: anchor &%s is used by an alias", a)
	}
	if isFlow(m) {
		err = e.deleteFlow(m, i)
	} else {
		err = e.deleteBlock(m, i)
	}
	if err != nil {
		return err
	}
	m.Content = slices.Delete(m.Content, i, i+2)
	if len(m.Content) == 0 {
		e.touched[m] = true
	}
	return nil
}

func (o appendOp) apply(e *editor) error {
	if len(o.path) == 0 {
		seq, _, err := e.walk(nil)
		if err != nil {
			return err
		}
		return e.appendItem(seq, o.fields)
	}
	m, err := e.parentMapping(o.path, false)
	if err != nil {
		return err
	}
	key := o.path[len(o.path)-1].Key
	i, err := e.findKey(m, key)
	switch {
	case err != nil:
		return err
	case i < 0:
		return e.addSeqEntry(m, key, o.fields)
	case isEmpty(m.Content[i+1]):
		return e.fillSeq(m, i, o.fields)
	}
	return e.appendItem(m.Content[i+1], o.fields)
}

// setScalar replaces the scalar value of entry i of mapping m.
func (e *editor) setScalar(m *yaml.Node, i int, value string) error {
	v := m.Content[i+1]
	if v.Kind != yaml.ScalarNode {
		return e.fail(v, "value is %s, not a scalar", kindName(v))
	}
	if v.Tag == "!!str" && v.Value == value {
		return nil
	}
	if v.Style&yaml.TaggedStyle != 0 && v.Tag != "!!str" {
		return e.fail(v, "value has the explicit tag %s", v.Tag)
	}
	if e.scalarsOnly && (isEmpty(v) || e.touched[v]) {
		return errNotScalar
	}
	if isEmpty(v) {
		text, err := e.render(value, 0, isFlow(m))
		if err != nil {
			return err
		}
		if err := e.fillEmpty(m.Content[i], v, text); err != nil {
			return err
		}
	} else if err := e.replaceScalar(v, value, isFlow(m)); err != nil {
		return err
	}
	v.Value, v.Tag = value, "!!str"
	e.touched[v] = true
	return nil
}

// replaceScalar overwrites the text of the non-empty scalar v.
func (e *editor) replaceScalar(v *yaml.Node, value string, flow bool) error {
	s, end, err := e.scalarSpan(v)
	if err != nil {
		return err
	}
	text, err := e.render(value, v.Style, flow)
	if err != nil {
		return err
	}
	if ps, _ := e.start(v); s > ps && !isBlank(e.src.b[s-1]) {
		text = " " + text // an anchor directly followed by the old text
	}
	e.replace(s, end, text)
	return nil
}

// render is render with errors reported for the current op.
func (e *editor) render(value string, style yaml.Style, flow bool) (string, error) {
	s, err := render(value, style, flow)
	if err != nil {
		return "", e.fail(nil, "%s", err.Error())
	}
	return s, nil
}

// renderKey is renderKey with errors reported for the current op.
func (e *editor) renderKey(k string, flow bool) (string, error) {
	s, err := renderKey(k, flow)
	if err != nil {
		return "", e.fail(nil, "%s", err.Error())
	}
	return s, nil
}

// usedAnchor returns the name of an anchor defined in nodes (or below them)
// that an alias in root refers to, or "".
func usedAnchor(root *yaml.Node, nodes []*yaml.Node) string {
	defined := map[*yaml.Node]bool{}
	var collect func(n *yaml.Node)
	collect = func(n *yaml.Node) {
		if n.Anchor != "" {
			defined[n] = true
		}
		for _, c := range n.Content {
			collect(c)
		}
	}
	for _, n := range nodes {
		collect(n)
	}
	if len(defined) == 0 {
		return ""
	}
	return findAlias(root, defined, nodes)
}

// findAlias returns the name of an alias in n, outside the skipped nodes,
// referring to a defined node.
func findAlias(n *yaml.Node, defined map[*yaml.Node]bool, skip []*yaml.Node) string {
	if slices.Contains(skip, n) {
		return ""
	}
	if n.Kind == yaml.AliasNode && defined[n.Alias] {
		return n.Value
	}
	for _, c := range n.Content {
		if a := findAlias(c, defined, skip); a != "" {
			return a
		}
	}
	return ""
}
