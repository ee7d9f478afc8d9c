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
