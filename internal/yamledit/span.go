package yamledit

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// errMultiline is the message for scalars that cannot be edited in place.
const errMultiline = "value is a multi-line scalar and cannot be edited in place"

// isEmpty reports whether n is an implicit null: a scalar with no text.
func isEmpty(n *yaml.Node) bool {
	quoted := yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&quoted == 0
}

// start returns the byte offset of n's position: its first property (anchor
// or tag) or its content.
func (e *editor) start(n *yaml.Node) (int, error) {
	off, ok := e.src.offset(n.Line, n.Column)
	if !ok {
		return 0, e.fail(n, "cannot locate node in source")
	}
	return off, nil
}

// isProp reports whether c starts an anchor or a tag.
func isProp(c byte) bool { return c == '&' || c == '!' }

// skipProp skips the anchor or tag token at off like yaml.v3 scans it: an
// anchor is letters, digits, '_' and '-'; a tag runs to the next blank.
func (e *editor) skipProp(off int) int {
	b := e.src.b
	anchor := b[off] == '&'
	for off++; off < len(b) && !isBlank(b[off]); off++ {
		if anchor && !isAnchorChar(b[off]) {
			break
		}
	}
	return off
}

// isAnchorChar reports whether c may appear in an anchor name.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

// content returns the offset where n's content starts, after any anchor and
// tag. It must not be used for empty scalars.
func (e *editor) content(n *yaml.Node) (int, error) {
	off, err := e.start(n)
	if err != nil {
		return 0, err
	}
	for isProp(e.src.at(off)) {
		off = e.src.skipSpace(e.skipProp(off))
	}
	return off, nil
}

// propsEnd returns the offset after the properties of an empty scalar.
func (e *editor) propsEnd(n *yaml.Node) (int, error) {
	off, err := e.start(n)
	if err != nil {
		return 0, err
	}
	end := off
	for isProp(e.src.at(off)) {
		end = e.skipProp(off)
		off = e.src.skipInline(end)
	}
	return end, nil
}

// quotedEnd returns the offset after the quoted scalar starting at off.
func (e *editor) quotedEnd(n *yaml.Node, off int) (int, error) {
	b := e.src.b
	q := b[off]
	for i := off + 1; i < len(b); i++ {
		switch {
		case q == '"' && b[i] == '\\':
			i++
		case b[i] == q && q == '\'' && i+1 < len(b) && b[i+1] == '\'':
			i++
		case b[i] == q:
			return i + 1, nil
		}
	}
	return 0, e.fail(n, "unterminated quoted scalar")
}

// scalarSpan returns the byte span of a non-empty scalar's content, which
// must be on one line.
func (e *editor) scalarSpan(n *yaml.Node) (int, int, error) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0, 0, e.fail(n, errMultiline)
	}
	s, err := e.content(n)
	if err != nil {
		return 0, 0, err
	}
	end, byIndent, err := e.scalarEnd(n, s)
	if err != nil {
		return 0, 0, err
	}
	if byIndent || e.src.lineOf(s) != e.src.lineOf(end) {
		return 0, 0, e.fail(n, errMultiline)
	}
	return s, end, nil
}

// scalarEnd returns the offset after the content of the non-empty scalar n
// starting at s, or byIndent when its end is only known by indentation
// (block scalars and multi-line plain scalars).
func (e *editor) scalarEnd(n *yaml.Node, s int) (int, bool, error) {
	b := e.src.b
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s, true, nil
	case n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		if c := e.src.at(s); c != '"' && c != '\'' {
			return 0, false, e.fail(n, "cannot find quoted scalar in source")
		}
		end, err := e.quotedEnd(n, s)
		return end, false, err
	}
	if s+len(n.Value) <= len(b) && string(b[s:s+len(n.Value)]) == n.Value {
		return s + len(n.Value), false, nil
	}
	return s, true, nil
}

// nodeEnd returns the offset just after n's text, or byIndent (with the
// offset of a scalar's start) when the end is only known by indentation.
func (e *editor) nodeEnd(n *yaml.Node) (int, bool, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if isEmpty(n) {
			end, err := e.propsEnd(n)
			return end, false, err
		}
		s, err := e.content(n)
		if err != nil {
			return 0, false, err
		}
		return e.scalarEnd(n, s)
	case yaml.AliasNode:
		s, err := e.start(n)
		return s + 1 + len(n.Value), false, err
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			c, err := e.flowClose(n)
			return c + 1, false, err
		}
		if len(n.Content) == 0 {
			return 0, false, e.fail(n, "empty block collection")
		}
		return e.nodeEnd(n.Content[len(n.Content)-1])
	}
	return 0, false, e.fail(n, "unexpected node kind")
}

// flowOpen returns the offset of the bracket opening flow collection n.
func (e *editor) flowOpen(n *yaml.Node) (int, error) {
	open, err := e.content(n)
	if err != nil {
		return 0, err
	}
	want := byte('[')
	if n.Kind == yaml.MappingNode {
		want = '{'
	}
	if e.src.at(open) != want {
		return 0, e.fail(n, "unsupported flow collection syntax")
	}
	return open, nil
}

// flowClose returns the offset of the bracket closing flow collection n.
func (e *editor) flowClose(n *yaml.Node) (int, error) {
	open, err := e.flowOpen(n)
	if err != nil {
		return 0, err
	}
	want := byte(']')
	if n.Kind == yaml.MappingNode {
		want = '}'
	}
	p := open + 1
	if len(n.Content) > 0 {
		end, byIndent, err := e.nodeEnd(n.Content[len(n.Content)-1])
		if err != nil {
			return 0, err
		}
		if byIndent {
			return 0, e.fail(n, "flow collection holds a multi-line scalar")
		}
		p = e.src.skipSpace(end)
		if e.src.at(p) == ',' {
			p++
		}
	}
	p = e.src.skipSpace(p)
	if e.src.at(p) != want {
		return 0, e.fail(n, "cannot find end of flow collection")
	}
	return p, nil
}

// lastLine returns the last line of a block collection entry that starts
// at offset from, has value v and belongs to a collection indented c.
func (e *editor) lastLine(v *yaml.Node, c, from int) (int, error) {
	end, byIndent, err := e.nodeEnd(v)
	if err != nil {
		return 0, err
	}
	if byIndent {
		return e.src.indentScan(e.src.lineOf(end), c, e.src.blockHeader(end)), nil
	}
	if end > from {
		end--
	}
	return e.src.commentsAfter(max(e.src.lineOf(end), e.src.lineOf(from)), c), nil
}

// appendAfter returns the line after which to insert lines following the
// block collection entry of lastLine. A block scalar ending the text without
// a final line break would gain one, so it is refused.
func (e *editor) appendAfter(v *yaml.Node, c, from int) (int, error) {
	l, err := e.lastLine(v, c, from)
	if err != nil {
		return 0, err
	}
	b := e.src.b
	if e.src.nextLineStart(l) == len(b) && !bytes.HasSuffix(b, []byte("\n")) && e.endsWithBlockScalar(v) {
		return 0, e.fail(v, "cannot add lines after a block scalar that ends the file without a line break")
	}
	return l, nil
}
