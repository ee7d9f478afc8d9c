package yamledit

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// editor collects the byte edits of one Op on one document and mutates the
// parsed tree into the tree expected after the edit.
type editor struct {
	src     *source
	root    *yaml.Node // the document's content; nil if empty
	path    Path       // the path of the current op, for errors
	touched map[*yaml.Node]bool
	splices []splice
	// scalarsOnly makes a Set that would do more than replace the text of
	// a non-empty scalar not touched yet fail with errNotScalar
	// (applyScalars).
	scalarsOnly bool
}

// fail returns an *Error for the current op at node n.
func (e *editor) fail(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{Line: line, Path: e.path.String(), Msg: fmt.Sprintf(format, args...)}
}

// internal returns the error for an edit that failed verification.
func (e *editor) internal(err error) error {
	return &Error{Path: e.path.String(), Msg: "internal error, nothing applied: " + err.Error()}
}

// replace records the replacement of src[off:end] by text.
func (e *editor) replace(off, end int, text string) {
	e.splices = append(e.splices, splice{off: off, end: end, text: text})
}

// insert records the insertion of text at off.
func (e *editor) insert(off int, text string) {
	e.replace(off, off, text)
}

// insertLines inserts lines (without line breaks) after line l.
func (e *editor) insertLines(l int, lines []string) {
	at := e.src.nextLineStart(l)
	text := strings.Join(lines, e.src.eol)
	if at == len(e.src.b) && (at == 0 || e.src.b[at-1] != '\n') {
		e.insert(at, e.src.eol+text)
		return
	}
	e.insert(at, text+e.src.eol)
}

// kindName names the kind of n for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "a document"
}

// where names the node reached by p in messages.
func where(p Path) string {
	if len(p) == 0 {
		return "the document root"
	}
	return p.String()
}

// walk follows p from the root. It returns the last node reached and the
// number of steps followed; found < len(p) means step found is missing.
func (e *editor) walk(p Path) (*yaml.Node, int, error) {
	n := e.root
	if n == nil {
		return nil, 0, e.fail(nil, "document is empty")
	}
	for i, s := range p {
		child, err := e.step(n, s, p[:i])
		if err != nil || child == nil {
			return n, i, err
		}
		n = child
	}
	return n, len(p), nil
}

// step returns the child of n (reached by path at) selected by s, or nil.
func (e *editor) step(n *yaml.Node, s Step, at Path) (*yaml.Node, error) {
	if s.isItem() {
		if n.Kind != yaml.SequenceNode {
			return nil, e.fail(n, "%s is %s, not a sequence", where(at), kindName(n))
		}
		return e.findItem(n, s, at)
	}
	if n.Kind != yaml.MappingNode {
		return nil, e.fail(n, "%s is %s, not a mapping", where(at), kindName(n))
	}
	i, err := e.findKey(n, s.Key)
	if err != nil || i < 0 {
		return nil, err
	}
	return n.Content[i+1], nil
}

// findKey returns the index in m.Content of key k, or -1.
func (e *editor) findKey(m *yaml.Node, k string) (int, error) {
	idx := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := m.Content[i]
		if key.Kind != yaml.ScalarNode || key.Value != k {
			continue
		}
		if idx >= 0 {
			return -1, e.fail(key, "duplicate key %q", k)
		}
		idx = i
	}
	return idx, nil
}

// findItem returns the one mapping item of seq whose field s.Field has the
// scalar value s.Value, or nil.
func (e *editor) findItem(seq *yaml.Node, s Step, at Path) (*yaml.Node, error) {
	var found *yaml.Node
	for _, it := range seq.Content {
		if it.Kind != yaml.MappingNode {
			continue
		}
		i, err := e.findKey(it, s.Field)
		if err != nil {
			return nil, err
		}
		if i < 0 || it.Content[i+1].Kind != yaml.ScalarNode || it.Content[i+1].Value != s.Value {
			continue
		}
		if found != nil {
			return nil, e.fail(it, "more than one item of %s matches %s", where(at), Path{s})
		}
		found = it
	}
	return found, nil
}

// parentMapping resolves all steps of p but the last, which must be a key,
// and returns the mapping holding it. A missing step is reported as an
// error, or as a nil mapping when missingOK.
func (e *editor) parentMapping(p Path, missingOK bool) (*yaml.Node, error) {
	if len(p) == 0 || p[len(p)-1].isItem() {
		return nil, e.fail(nil, "the last step of the path must be a key")
	}
	n, found, err := e.walk(p[:len(p)-1])
	if err != nil {
		return nil, err
	}
	if found < len(p)-1 {
		if missingOK {
			return nil, nil
		}
		return nil, e.fail(n, "%s not found", where(p[:found+1]))
	}
	if n.Kind != yaml.MappingNode {
		return nil, e.fail(n, "%s is %s, not a mapping", where(p[:len(p)-1]), kindName(n))
	}
	return n, nil
}

// isFlow reports whether collection n is written in flow style.
func isFlow(n *yaml.Node) bool {
	return n.Style&yaml.FlowStyle != 0
}

// strNode returns a new string scalar, marked as touched.
func (e *editor) strNode(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	e.touched[n] = true
	return n
}

// mapNode returns a new mapping of fields, marked as touched.
func (e *editor) mapNode(fields []Field) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fields {
		m.Content = append(m.Content, e.strNode(f.Key), e.strNode(f.Value))
	}
	e.touched[m] = true
	return m
}
