package yamledit

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// fillEmpty writes text as the empty value v of key k, right after the ':'
// following the key.
func (e *editor) fillEmpty(k, v *yaml.Node, text string) error {
	colon, err := e.colonBefore(k, v)
	if err != nil {
		return err
	}
	e.insert(colon+1, " "+text)
	return nil
}

// colonBefore returns the offset of the ':' between key k and its empty
// value v, which must have no anchor or tag.
func (e *editor) colonBefore(k, v *yaml.Node) (int, error) {
	if err := e.fillCheck(v); err != nil {
		return 0, err
	}
	off, err := e.start(v)
	if err != nil {
		return 0, err
	}
	ke, _, err := e.nodeEnd(k)
	if err != nil {
		return 0, err
	}
	i := off - 1
	for i >= 0 && (e.src.b[i] == ' ' || e.src.b[i] == '\t') {
		i--
	}
	if i < ke || e.src.b[i] != ':' || !blankRun(e.src.b[ke:i]) {
		return 0, e.fail(v, "key has no ':' before its empty value")
	}
	return i, nil
}

// addScalarEntry adds key: value to mapping m.
func (e *editor) addScalarEntry(m *yaml.Node, key, value string) error {
	k, err := e.renderKey(key, isFlow(m))
	if err != nil {
		return err
	}
	v, err := e.render(value, 0, isFlow(m))
	if err != nil {
		return err
	}
	if isFlow(m) {
		err = e.flowInsert(m, k+": "+v)
	} else {
		err = e.blockAddEntry(m, func(c int) ([]string, error) { return []string{sp(c) + k + ": " + v}, nil })
	}
	if err != nil {
		return err
	}
	m.Content = append(m.Content, e.strNode(key), e.strNode(value))
	return nil
}

// addSeqEntry adds key with a sequence holding one item to mapping m.
func (e *editor) addSeqEntry(m *yaml.Node, key string, fields []Field) error {
	k, err := e.renderKey(key, isFlow(m))
	if err != nil {
		return err
	}
	if isFlow(m) {
		var item string
		if item, err = e.flowItem(fields); err == nil {
			err = e.flowInsert(m, k+": ["+item+"]")
		}
	} else {
		err = e.blockAddEntry(m, func(c int) ([]string, error) {
			lines, err := e.blockItem(e.newSeqIndent(c), fields)
			return append([]string{sp(c) + k + ":"}, lines...), err
		})
	}
	if err != nil {
		return err
	}
	m.Content = append(m.Content, e.strNode(key), e.seqNode(fields))
	return nil
}

// fillSeq replaces the empty value of entry i of mapping m by a sequence
// holding one item.
func (e *editor) fillSeq(m *yaml.Node, i int, fields []Field) error {
	v := m.Content[i+1]
	var err error
	if isFlow(m) {
		var item string
		if item, err = e.flowItem(fields); err == nil {
			err = e.fillEmpty(m.Content[i], v, "["+item+"]")
		}
	} else {
		err = e.blockFillSeq(m, i, fields)
	}
	if err != nil {
		return err
	}
	*v = *e.seqNode(fields)
	e.touched[v] = true
	return nil
}

// blockFillSeq writes the item lines after the key line of entry i of block
// mapping m, whose value is empty.
func (e *editor) blockFillSeq(m *yaml.Node, i int, fields []Field) error {
	colon, err := e.colonBefore(m.Content[i], m.Content[i+1])
	if err != nil {
		return err
	}
	c, err := e.keyIndent(m)
	if err != nil {
		return err
	}
	lines, err := e.blockItem(e.newSeqIndent(c), fields)
	if err != nil {
		return err
	}
	e.insertLines(e.src.lineOf(colon), lines)
	return nil
}

// fillCheck checks that the empty value v has no properties.
func (e *editor) fillCheck(v *yaml.Node) error {
	off, err := e.start(v)
	if err == nil && isProp(e.src.at(off)) {
		err = e.fail(v, "empty value has an anchor or tag and cannot be edited in place")
	}
	return err
}

// seqNode returns a new sequence holding a mapping of fields.
func (e *editor) seqNode(fields []Field) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{e.mapNode(fields)}}
	e.touched[s] = true
	return s
}

// appendItem appends a mapping of fields to sequence seq.
func (e *editor) appendItem(seq *yaml.Node, fields []Field) error {
	if seq.Kind != yaml.SequenceNode {
		return e.fail(seq, "%s is %s, not a sequence", where(e.path), kindName(seq))
	}
	var err error
	if isFlow(seq) {
		var item string
		if item, err = e.flowItem(fields); err == nil {
			err = e.flowInsert(seq, item)
		}
	} else {
		err = e.blockAppend(seq, fields)
	}
	if err != nil {
		return err
	}
	seq.Content = append(seq.Content, e.mapNode(fields))
	return nil
}

// blockAppend writes a new item after the last item of block sequence seq.
func (e *editor) blockAppend(seq *yaml.Node, fields []Field) error {
	dash, err := e.content(seq)
	if err != nil {
		return err
	}
	if e.src.at(dash) != '-' {
		return e.fail(seq, "cannot find the first '-' of the sequence")
	}
	d := e.src.col(dash)
	last := seq.Content[len(seq.Content)-1]
	ls, err := e.start(last)
	if err != nil {
		return err
	}
	ll, err := e.appendAfter(last, d, ls)
	if err != nil {
		return err
	}
	k, err := e.itemIndent(last, d)
	if err != nil {
		return err
	}
	lines, err := e.blockItem([2]int{d, k}, fields)
	if err != nil {
		return err
	}
	e.insertLines(ll, lines)
	return nil
}

// itemIndent returns the column of the first key of item (a mapping on its
// dash's line) or d+2.
func (e *editor) itemIndent(item *yaml.Node, d int) (int, error) {
	if item.Kind != yaml.MappingNode || isFlow(item) || len(item.Content) == 0 {
		return d + 2, nil
	}
	fk, err := e.start(item.Content[0])
	if err != nil {
		return 0, err
	}
	i := fk - 1
	for i >= 0 && e.src.b[i] == ' ' {
		i--
	}
	if i < 0 || e.src.b[i] != '-' || e.src.col(fk) <= d+1 {
		return d + 2, nil
	}
	return e.src.col(fk), nil
}

// blockItem returns the lines of a block sequence item with its dash at
// column ind[0] and its keys at column ind[1].
func (e *editor) blockItem(ind [2]int, fields []Field) ([]string, error) {
	d, k := ind[0], ind[1]
	if len(fields) == 0 {
		return []string{sp(d) + "- {}"}, nil
	}
	var lines []string
	for i, f := range fields {
		kt, err := e.renderKey(f.Key, false)
		if err != nil {
			return nil, err
		}
		vt, err := e.render(f.Value, 0, false)
		if err != nil {
			return nil, err
		}
		prefix := sp(k)
		if i == 0 {
			prefix = sp(d) + "-" + sp(k-d-1)
		}
		lines = append(lines, prefix+kt+": "+vt)
	}
	return lines, nil
}

// flowItem returns a flow mapping of fields.
func (e *editor) flowItem(fields []Field) (string, error) {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		kt, err := e.renderKey(f.Key, true)
		if err != nil {
			return "", err
		}
		vt, err := e.render(f.Value, 0, true)
		if err != nil {
			return "", err
		}
		parts = append(parts, kt+": "+vt)
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// newSeqIndent returns the dash and key columns of a new block sequence that
// is the value of a key at column c: indentless unless the document indents
// its sequences.
func (e *editor) newSeqIndent(c int) [2]int {
	if e.indentsSequences(e.root) {
		return [2]int{c + 2, c + 4}
	}
	return [2]int{c, c + 2}
}

// indentsSequences reports whether the first block sequence that is a value
// of a block mapping in n is indented more than its key.
func (e *editor) indentsSequences(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode && !isFlow(n) {
		for i := 1; i < len(n.Content); i += 2 {
			v := n.Content[i]
			if v.Kind != yaml.SequenceNode || isFlow(v) {
				continue
			}
			ks, err1 := e.start(n.Content[i-1])
			dash, err2 := e.content(v)
			if err1 == nil && err2 == nil {
				return e.src.col(dash) > e.src.col(ks)
			}
		}
	}
	for _, c := range n.Content {
		if c.Kind != yaml.AliasNode && e.indentsSequences(c) {
			return true
		}
	}
	return false
}

// keyIndent returns the indentation of block mapping m: the column of its
// first key, or of the '?' before it.
func (e *editor) keyIndent(m *yaml.Node) (int, error) {
	fk, err := e.entryStart(m, 0)
	if err != nil {
		return 0, err
	}
	return e.src.col(fk), nil
}

// entryStart returns the offset where entry i (a key index) of mapping m
// starts: its key's first property or content, or the '?' before it.
func (e *editor) entryStart(m *yaml.Node, i int) (int, error) {
	ks, err := e.start(m.Content[i])
	if err != nil {
		return 0, err
	}
	lo, err := e.prevEnd(m, i)
	if err != nil {
		return 0, err
	}
	if q := e.explicitKey(lo, ks); q >= 0 {
		return q, nil
	}
	return ks, nil
}

// explicitKey returns the offset of the '?' indicator between lo and ks,
// which may hold only blanks, commas, brackets, comments and '?', or -1.
func (e *editor) explicitKey(lo, ks int) int {
	q := -1
	for p := lo; p < ks; {
		switch c := e.src.b[p]; {
		case isBlank(c) || c == ',' || c == '{' || c == '[':
			p++
		case c == '#':
			p = e.src.lineEnd(e.src.lineOf(p))
		case c == '?':
			q, p = p, p+1
		default:
			return -1
		}
	}
	return q
}

// prevEnd returns the offset after the entry before entry i of mapping m,
// or the start of m for the first entry.
func (e *editor) prevEnd(m *yaml.Node, i int) (int, error) {
	if i == 0 {
		return e.content(m)
	}
	v := m.Content[i-1]
	end, byIndent, err := e.nodeEnd(v)
	if err != nil || !byIndent {
		return end, err
	}
	c, err := e.keyIndent(m)
	if err != nil {
		return 0, err
	}
	return e.src.lineEnd(e.src.indentScan(e.src.lineOf(end), c, false)), nil
}

// blockAddEntry inserts the lines made by mk (given the key column) after
// the last entry of block mapping m.
func (e *editor) blockAddEntry(m *yaml.Node, mk func(c int) ([]string, error)) error {
	c, err := e.keyIndent(m)
	if err != nil {
		return err
	}
	n := len(m.Content)
	ks, err := e.entryStart(m, n-2)
	if err != nil {
		return err
	}
	ll, err := e.appendAfter(m.Content[n-1], c, ks)
	if err != nil {
		return err
	}
	// A last entry with no value owns the comments that directly follow
	// it at its key's column too (an empty list whose items are commented
	// out): the new entry goes after them, not between.
	if isEmpty(m.Content[n-1]) {
		ll = e.src.commentsFrom(ll, c)
	}
	lines, err := mk(c)
	if err != nil {
		return err
	}
	e.insertLines(ll, lines)
	return nil
}

// flowInsert adds item as the last entry of flow collection coll.
func (e *editor) flowInsert(coll *yaml.Node, item string) error {
	open, err := e.flowOpen(coll)
	if err != nil {
		return err
	}
	closeAt, err := e.flowClose(coll)
	if err != nil {
		return err
	}
	n := len(coll.Content)
	if n == 0 {
		e.insert(open+1, item)
		return nil
	}
	first := coll.Content[n-1]
	if coll.Kind == yaml.MappingNode {
		first = coll.Content[n-2]
	}
	ls, err := e.start(first)
	if err != nil {
		return err
	}
	le, err := e.flowEnd(coll.Content[n-1])
	if err != nil {
		return err
	}
	if e.src.lineOf(closeAt) > e.src.lineOf(le) && e.src.firstOnLine(ls) {
		e.flowInsertLine(ls, le, item)
		return nil
	}
	e.insert(le, ", "+item)
	return nil
}

// flowInsertLine adds item on a new line after the last entry of a flow
// collection written one entry per line; the entry starts at ls and ends at
// le.
func (e *editor) flowInsertLine(ls, le int, item string) {
	p := e.src.skipInline(le)
	text := e.src.eol + sp(e.src.col(ls)) + item
	if e.src.at(p) == ',' {
		text += ","
	} else {
		e.insert(le, ",")
	}
	e.insert(e.src.lineEnd(e.src.lineOf(le)), text)
}

// deleteFlow removes entry i of flow mapping m and one adjacent comma.
func (e *editor) deleteFlow(m *yaml.Node, i int) error {
	if _, err := e.flowOpen(m); err != nil {
		return err
	}
	ks, err := e.entryStart(m, i)
	if err != nil {
		return err
	}
	ve, byIndent, err := e.nodeEnd(m.Content[i+1])
	if err != nil {
		return err
	}
	if byIndent {
		return e.fail(m.Content[i+1], errMultiline)
	}
	if p := e.src.skipSpace(ve); e.src.at(p) == ',' {
		e.replace(ks, e.src.skipBlank(p+1), "")
		return nil
	}
	if i == 0 {
		e.replace(ks, ve, "")
		return nil
	}
	pe, err := e.flowEnd(m.Content[i-1])
	if err != nil {
		return err
	}
	e.replace(pe, ve, "")
	return nil
}

// deleteBlock removes entry i of block mapping m.
func (e *editor) deleteBlock(m *yaml.Node, i int) error {
	c, err := e.keyIndent(m)
	if err != nil {
		return err
	}
	ks, err := e.entryStart(m, i)
	if err != nil {
		return err
	}
	ll, err := e.lastLine(m.Content[i+1], c, ks)
	if err != nil {
		return err
	}
	switch {
	case len(m.Content) == 2:
		e.replace(ks, e.src.lineEnd(ll), "{}")
	case e.src.firstOnLine(ks):
		e.deleteLines(e.src.lineOf(ks), ll, i == 0 || !e.endsWithBlockScalar(m.Content[i-1]))
	case i+2 < len(m.Content):
		next, err := e.entryStart(m, i+2)
		if err != nil {
			return err
		}
		e.replace(ks, next, "")
	default:
		return e.fail(m.Content[i], "cannot delete this entry in place")
	}
	return nil
}

// deleteLines removes lines first..last; at the end of a text without a
// final line break, the line break before them goes instead if trimPrev.
func (e *editor) deleteLines(first, last int, trimPrev bool) {
	from, to := e.src.lineStart(first), e.src.nextLineStart(last)
	if trimPrev && to == len(e.src.b) && e.src.lineEnd(last) == to && first > 0 {
		from = e.src.lineEnd(first - 1)
	}
	e.replace(from, to, "")
}

// sp returns n spaces.
func sp(n int) string {
	return strings.Repeat(" ", max(n, 0))
}

// endsWithBlockScalar reports whether the text of n ends with a block
// scalar, whose value depends on its final line break.
func (e *editor) endsWithBlockScalar(n *yaml.Node) bool {
	end, byIndent, err := e.nodeEnd(n)
	return err != nil || byIndent && e.src.blockHeader(end)
}

// flowEnd returns the offset after node n in a flow collection. An empty
// node with a tag keeps the blank after it: a tag runs to the next blank.
func (e *editor) flowEnd(n *yaml.Node) (int, error) {
	end, byIndent, err := e.nodeEnd(n)
	if err != nil {
		return 0, err
	}
	if byIndent {
		return 0, e.fail(n, "flow collection holds a multi-line scalar")
	}
	s, err := e.start(n)
	if err != nil || !isEmpty(n) || !isProp(e.src.at(s)) {
		return end, err
	}
	t := end - 1
	for t > s && !isBlank(e.src.b[t-1]) {
		t--
	}
	if e.src.at(t) != '!' {
		return end, nil
	}
	if c := e.src.at(end); c != ' ' && c != '\t' {
		return 0, e.fail(n, "cannot edit next to an empty node with a tag")
	}
	return end + 1, nil
}

// blankRun reports whether b holds only spaces, tabs and line breaks.
func blankRun(b []byte) bool {
	for _, c := range b {
		if !isBlank(c) {
			return false
		}
	}
	return true
}
