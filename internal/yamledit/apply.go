package yamledit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Apply applies ops in order to document number doc (0-based; multi-document
// files separated by `---`) of src and returns the new bytes. src itself is
// not modified. Any error leaves nothing half-applied (return nil, err).
//
// After every edit the result is parsed again and compared with the expected
// tree; an edit that would change anything else is refused with an error.
func Apply(src []byte, doc int, ops ...Op) ([]byte, error) {
	cur := bytes.Clone(src)
	docs, err := parse(cur)
	if err != nil {
		return nil, err
	}
	if doc < 0 || doc >= len(docs) {
		return nil, &Error{Msg: fmt.Sprintf("document %d not found (the file has %d)", doc, len(docs))}
	}
	if len(ops) > 1 && scalarSets(ops) {
		if out, ok := applyScalars(cur, docs, doc, ops); ok {
			return out, nil
		}
		if docs, err = parse(cur); err != nil { // applyScalars changed the tree
			return nil, err
		}
	}
	for _, op := range ops {
		cur, docs, err = applyOne(cur, docs, doc, op)
		if err != nil {
			return nil, err
		}
	}
	return cur, nil
}

// applyOne applies op and verifies the result, returning the new text and
// its parsed documents.
func applyOne(b []byte, docs []*yaml.Node, doc int, op Op) ([]byte, []*yaml.Node, error) {
	src, err := newSource(b)
	if err != nil {
		return nil, nil, err
	}
	e := &editor{src: src, path: op.target(), touched: map[*yaml.Node]bool{}}
	if len(docs[doc].Content) > 0 {
		e.root = docs[doc].Content[0]
	}
	if err := op.apply(e); err != nil {
		return nil, nil, err
	}
	if len(e.splices) == 0 && len(e.touched) == 0 {
		return b, docs, nil
	}
	out, err := spliceAll(b, e.splices)
	if err != nil {
		return nil, nil, e.internal(err)
	}
	next, err := parse(out)
	if err != nil {
		return nil, nil, e.internal(fmt.Errorf("result does not parse: %w", err))
	}
	if err := sameDocs(docs, next, e.touched); err != nil {
		return nil, nil, e.internal(err)
	}
	return out, next, nil
}

// scalarSets reports whether every op is a Set, the ops applyScalars may
// make in one pass.
func scalarSets(ops []Op) bool {
	for _, op := range ops {
		if _, ok := op.(setOp); !ok {
			return false
		}
	}
	return true
}

// applyScalars makes ops that each replace the text of an existing,
// non-empty scalar (a tag bump, a digest) in one pass: every op finds its
// node in the same parsed tree, the replacements are spliced together and
// the result is parsed and compared with the expected tree once, instead of
// once per op. The bytes are those of applying the ops one by one: each
// replacement depends only on its own scalar's text and style. ok is false
// when an op would do anything else (add a key, fill an empty value, edit
// a scalar an earlier op edited), fails, or the result does not verify;
// the tree may then be changed and the caller applies the ops one by one,
// which gives the error of the op that fails.
func applyScalars(b []byte, docs []*yaml.Node, doc int, ops []Op) ([]byte, bool) {
	src, err := newSource(b)
	if err != nil {
		return nil, false
	}
	e := &editor{src: src, touched: map[*yaml.Node]bool{}, scalarsOnly: true}
	if len(docs[doc].Content) > 0 {
		e.root = docs[doc].Content[0]
	}
	for _, op := range ops {
		e.path = op.target()
		if err := op.apply(e); err != nil {
			return nil, false
		}
	}
	if len(e.splices) == 0 && len(e.touched) == 0 {
		return b, true
	}
	out, err := spliceAll(b, e.splices)
	if err != nil {
		return nil, false
	}
	next, err := parse(out)
	if err != nil || sameDocs(docs, next, e.touched) != nil {
		return nil, false
	}
	return out, true
}

// errNotScalar stops applyScalars at an op that is not a plain scalar
// replacement.
var errNotScalar = errors.New("not a scalar replacement")

// parse decodes all documents of b and checks that their positions can be
// mapped to byte offsets.
func parse(b []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Msg: fmt.Sprintf("invalid yaml: parser panic: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, parseError(err)
		}
		docs = append(docs, &n)
	}
	if _, err := newSource(b); err != nil {
		return nil, err
	}
	return docs, nil
}

// splice is one replacement of b[off:end] by text.
type splice struct {
	off, end int
	text     string
}

// spliceAll returns b with the replacements applied; replacements at the same
// offset keep their order.
func spliceAll(b []byte, sp []splice) ([]byte, error) {
	sp = slices.Clone(sp)
	slices.SortStableFunc(sp, func(x, y splice) int { return x.off - y.off })
	var out bytes.Buffer
	prev := 0
	for _, s := range sp {
		if s.off < prev || s.end < s.off || s.end > len(b) {
			return nil, errors.New("overlapping edits")
		}
		out.Write(b[prev:s.off])
		out.WriteString(s.text)
		prev = s.end
	}
	out.Write(b[prev:])
	return out.Bytes(), nil
}
