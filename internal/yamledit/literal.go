package yamledit

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EditLiteral edits the text of a literal block scalar (`|`, `|-`, `|+`)
// in document doc of src, such as a kustomization's inline `patch: |-`:
// find returns the scalar from the document's root, edit gets its text
// and returns the new text, which must have as many lines. Only the lines
// whose text changed are rewritten, at the block's indentation; the
// header, its chomping indicator and every other byte are kept. The
// result is parsed again and must differ from src only in that scalar's
// value. Folded scalars (`>`) and explicit indentation indicators are
// refused.
func EditLiteral(src []byte, doc int, find func(root *yaml.Node) *yaml.Node, edit func(text []byte) ([]byte, error)) ([]byte, error) {
	docs, err := parse(src)
	if err != nil {
		return nil, err
	}
	if doc < 0 || doc >= len(docs) || len(docs[doc].Content) == 0 {
		return nil, &Error{Msg: fmt.Sprintf("document %d not found (the file has %d)", doc, len(docs))}
	}
	n := find(docs[doc].Content[0])
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, &Error{Msg: "no block scalar to edit"}
	}
	if n.Style&yaml.LiteralStyle == 0 {
		return nil, &Error{Line: n.Line, Msg: "only literal block scalars (|) are edited: this string is not one"}
	}
	s, err := newSource(src)
	if err != nil {
		return nil, err
	}
	ind, err := literalIndent(s, n)
	if err != nil {
		return nil, err
	}
	text, err := edit([]byte(n.Value))
	if err != nil {
		return nil, err
	}
	oldLines, newLines := strings.Split(n.Value, "\n"), strings.Split(string(text), "\n")
	if len(oldLines) != len(newLines) {
		return nil, &Error{Line: n.Line, Msg: fmt.Sprintf("the edit changes the number of lines of the block scalar (%d to %d)", len(oldLines), len(newLines))}
	}
	var edits []splice
	for i := range oldLines {
		if oldLines[i] == newLines[i] {
			continue
		}
		l := n.Line + i // 0-based index of the block's line i
		if l >= len(s.lines) || strings.Contains(newLines[i], "\r") {
			return nil, &Error{Line: n.Line, Msg: "unexpected block scalar layout"}
		}
		start, end := s.lineStart(l), s.lineEnd(l)
		if end-start < ind || string(s.b[start+ind:end]) != oldLines[i] {
			return nil, &Error{Line: l + 1, Msg: "block scalar line does not hold the text expected"}
		}
		edits = append(edits, splice{off: start, end: end, text: sp(ind) + newLines[i]})
	}
	if len(edits) == 0 {
		return bytes.Clone(src), nil
	}
	out, err := spliceAll(src, edits)
	if err != nil {
		return nil, err
	}
	next, err := parse(out)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("result does not parse: %v", err)}
	}
	n.Value = string(text)
	if err := sameDocs(docs, next, map[*yaml.Node]bool{}); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("edit of the block scalar changed more than its text: %v", err)}
	}
	return out, nil
}

// literalIndent is the indentation of a literal block scalar's content:
// that of its first non-blank line.
func literalIndent(s *source, n *yaml.Node) (int, error) {
	hdr, ok := s.offset(n.Line, n.Column)
	if !ok || s.at(hdr) != '|' {
		return 0, &Error{Line: n.Line, Msg: "block scalar header not found"}
	}
	for i := hdr + 1; i < len(s.b) && strings.IndexByte("+-0123456789", s.b[i]) >= 0; i++ {
		if s.b[i] >= '0' && s.b[i] <= '9' {
			return 0, &Error{Line: n.Line, Msg: "block scalars with an explicit indentation indicator are not edited"}
		}
	}
	for l := n.Line; l < len(s.lines); l++ {
		if !s.blank(l) {
			return s.indent(l), nil
		}
	}
	return 0, &Error{Line: n.Line, Msg: "empty block scalar"}
}
