package yamledit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzSet checks the promise of Set on arbitrary YAML: when Apply succeeds,
// the result parses, the edited value reads back as that exact string,
// every other node of every document is unchanged, the edit touches at most
// one line of the input, and setting the value again changes nothing.
// Errors are fine, except internal ones (an edit refused by verification).
//
// The target is picked from the document: pick selects a mapping reachable
// by a Path and one of its keys, or newKey when it is not empty.
func FuzzSet(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "input.yaml"))
	values := []string{"1.2.3", "1.10", "", "a: b", "x,y", "it's", "v2 # no", "\n", "true"}
	for i, name := range inputs {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for j := range 4 {
			newKey := ""
			if j == 3 {
				newKey = "digest"
			}
			f.Add(src, uint8(j%2), uint16(i*7+j*3), newKey, values[(i+j)%len(values)])
		}
	}
	for i, src := range trickySeeds {
		f.Add([]byte(src), uint8(0), uint16(i), "", "1.0")
		f.Add([]byte(src), uint8(1), uint16(i+1), "k", "x: y")
	}
	f.Fuzz(fuzzSet)
}

// trickySeeds are small inputs with rarely used syntax.
var trickySeeds = []string{
	"a: {\n  b: 1, # c\n  d: 2\n}\n",
	"a: [\n  {b: 1},\n  {b: 2},\n]\n",
	"? a\n: 1\n? b\n: 2\n",
	"&x a: 1\nb: *x\n",
	"a: &x\n  b: !!str 1\nc: *x\n",
	"\ufeffa: 1\r\nb:\r\n- c: 2\r\n",
	"a:\t1\t# c\nb: 'x''y'\nc: \"q\\\"\"\n",
	"--- !!map\na: |+\n  x\n\n...\n--- {b: }\n",
	"- - a: 1\n  - b: 2\n- c:\n  - d: 3\n",
	"a: b\n  c\nd: {e: f, g}\n",
	"a:\n  b: [1,\n  2]\n",
	"é: ü\nx: \"\\u2028\"\n",
}

func fuzzSet(t *testing.T, src []byte, doc uint8, pick uint16, newKey, value string) {
	before, err := decodeDocs(src)
	if err != nil || len(before) == 0 {
		return
	}
	d := int(doc) % len(before)
	p, ok := pickPath(before[d], int(pick), newKey)
	if !ok {
		return
	}
	out, err := Apply(src, d, Set(p, value))
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Set(%s, %q): %v\ninput:\n%s", p, value, err, src)
		}
		return
	}
	after, err := decodeDocs(out)
	if err != nil {
		t.Fatalf("Set(%s, %q): result does not parse: %v\n%s", p, value, err, out)
	}
	parent, key := indexPath(before[d], p[:len(p)-1]), p[len(p)-1].Key
	edited := expectSet(byIndex(before[d], parent), key, value)
	k, got := keyValue(byIndex(after[d], parent), key)
	if got == nil || got.Kind != yaml.ScalarNode || got.Tag != "!!str" || got.Value != value {
		t.Fatalf("Set(%s, %q): value reads back as %+v\n%s", p, value, got, out)
	}
	if w, g := dumpDocs(before, edited), dumpDocs(after, map[*yaml.Node]bool{k: true, got: true}); w != g {
		t.Fatalf("Set(%s, %q): other nodes changed\nwant:\n%s\ngot:\n%s\ninput:\n%s\noutput:\n%s", p, value, w, g, src, out)
	}
	if old := changedRegion(src, out); bytes.Contains(old, []byte("\n")) {
		t.Fatalf("Set(%s, %q): edit spans lines %q\ninput:\n%s\noutput:\n%s", p, value, old, src, out)
	}
	if q := renamed(p, value); lookup(after[d], q) == got {
		if again, err := Apply(out, d, Set(q, value)); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Set(%s, %q) again: %v\n%s", q, value, err, again)
		}
	}
}

// renamed returns p after Set(p, value) when p's last key is the field of
// its item step: that step then selects the new value.
func renamed(p Path, value string) Path {
	n := len(p)
	if n < 2 || !p[n-2].isItem() || p[n-2].Field != p[n-1].Key {
		return p
	}
	q := append(Path(nil), p...)
	q[n-2].Value = value
	return q
}

// decodeDocs decodes all documents of b.
func decodeDocs(b []byte) (docs []*yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err.Error() == "EOF" {
				return docs, nil
			}
			return nil, err
		}
		docs = append(docs, &n)
	}
}

// pickPath picks a mapping of doc reachable by a Path and a key in it.
func pickPath(doc *yaml.Node, pick int, newKey string) (Path, bool) {
	var maps []Path
	if len(doc.Content) > 0 {
		mappingPaths(doc.Content[0], nil, &maps)
	}
	if len(maps) == 0 {
		return nil, false
	}
	p := maps[pick%len(maps)]
	if m := lookup(doc, p); m == nil || m.Kind != yaml.MappingNode {
		return nil, false
	}
	if newKey != "" {
		return append(p, Key(newKey)), true
	}
	m := lookup(doc, p)
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) == 0 {
		return nil, false
	}
	k := m.Content[(pick/len(maps))%(len(m.Content)/2)*2]
	if k.Kind != yaml.ScalarNode {
		return nil, false
	}
	return append(p, Key(k.Value)), true
}

// mappingPaths collects the paths of the non-empty mappings under n.
func mappingPaths(n *yaml.Node, p Path, out *[]Path) {
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) > 0 {
			*out = append(*out, p)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode {
				mappingPaths(n.Content[i+1], append(p[:len(p):len(p)], Key(k.Value)), out)
			}
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			if it.Kind == yaml.MappingNode && len(it.Content) >= 2 && it.Content[0].Kind == yaml.ScalarNode {
				s := Item(it.Content[0].Value, it.Content[1].Value)
				if s.Field != "" {
					mappingPaths(it, append(p[:len(p):len(p)], s), out)
				}
			}
		}
	}
}

// lookup follows p from document node doc; it returns nil when a step is
// missing or ambiguous.
func lookup(doc *yaml.Node, p Path) *yaml.Node {
	if len(doc.Content) == 0 {
		return nil
	}
	n := doc.Content[0]
	for _, s := range p {
		var next *yaml.Node
		for _, c := range children(n, s) {
			if next != nil {
				return nil
			}
			next = c
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// children returns the children of n matching s.
func children(n *yaml.Node, s Step) []*yaml.Node {
	var out []*yaml.Node
	if !s.isItem() && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == s.Key {
				out = append(out, n.Content[i+1])
			}
		}
	}
	if s.isItem() && n.Kind == yaml.SequenceNode {
		for _, it := range n.Content {
			if v := lookup(&yaml.Node{Content: []*yaml.Node{it}}, Path{Key(s.Field)}); v != nil && v.Kind == yaml.ScalarNode && v.Value == s.Value {
				out = append(out, it)
			}
		}
	}
	return out
}

// expectSet changes mapping m as Set of key to value should and returns the
// changed nodes.
func expectSet(m *yaml.Node, key, value string) map[*yaml.Node]bool {
	k, v := keyValue(m, key)
	if v != nil {
		v.Value, v.Tag = value, "!!str"
		return map[*yaml.Node]bool{k: true, v: true}
	}
	k = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	m.Content = append(m.Content, k, v)
	return map[*yaml.Node]bool{k: true, v: true}
}

// dumpDocs writes the trees of docs without positions and comments, and
// without the style of the edited nodes.
func dumpDocs(docs []*yaml.Node, edited map[*yaml.Node]bool) string {
	var b strings.Builder
	for _, d := range docs {
		dumpNode(&b, d, "", edited)
	}
	return b.String()
}

func dumpNode(b *strings.Builder, n *yaml.Node, indent string, edited map[*yaml.Node]bool) {
	style := fmt.Sprint(n.Style)
	if edited[n] {
		style = "?"
	}
	fmt.Fprintf(b, "%skind=%d tag=%s anchor=%q style=%s value=%q\n", indent, n.Kind, n.Tag, n.Anchor, style, n.Value)
	for _, c := range n.Content {
		dumpNode(b, c, indent+"  ", edited)
	}
}

// changedRegion returns the bytes of a that differ from b after removing
// their common prefix and suffix.
func changedRegion(a, b []byte) []byte {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return a[pre : len(a)-suf]
}

// FuzzEdit checks Delete and Append like FuzzSet checks Set: on success the
// result parses and equals the input tree with the entry removed or the item
// appended; errors are fine, except internal ones.
func FuzzEdit(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "input.yaml"))
	for i, name := range inputs {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, uint8(0), uint16(i*5), false, "", "web")
		f.Add(src, uint8(1), uint16(i*3+1), true, "images", "1.0")
		f.Add(src, uint8(0), uint16(i), true, "", "a,b")
	}
	for i, src := range trickySeeds {
		f.Add([]byte(src), uint8(0), uint16(i), false, "", "x")
		f.Add([]byte(src), uint8(0), uint16(i+1), true, "", "x")
		f.Add([]byte(src), uint8(0), uint16(i+2), true, "new", "x")
	}
	f.Fuzz(fuzzEdit)
}

func fuzzEdit(t *testing.T, src []byte, doc uint8, pick uint16, appendOp bool, newKey, value string) {
	before, err := decodeDocs(src)
	if err != nil || len(before) == 0 {
		return
	}
	d := int(doc) % len(before)
	p, ok := pickPath(before[d], int(pick), newKey)
	if !ok {
		return
	}
	fields := []Field{{"name", value}, {"newTag", "1.0"}}
	op := Delete(p)
	if appendOp {
		op = Append(p, fields...)
	}
	out, err := Apply(src, d, op)
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%T(%s): %v\ninput:\n%s", op, p, err, src)
		}
		return
	}
	after, err := decodeDocs(out)
	if err != nil {
		t.Fatalf("%T(%s): result does not parse: %v\n%s", op, p, err, out)
	}
	parent := indexPath(before[d], p[:len(p)-1])
	var edited, restyled map[*yaml.Node]bool
	if appendOp {
		key := p[len(p)-1].Key
		edited = expectAppend(byIndex(before[d], parent), key, fields)
		restyled = appendedAt(byIndex(after[d], parent), key)
	} else {
		edited = expectDelete(before[d], p)
		restyled = map[*yaml.Node]bool{}
		if m := byIndex(after[d], parent); len(m.Content) == 0 {
			restyled[m] = true
		}
	}
	if w, g := dumpDocs(before, edited), dumpDocs(after, restyled); w != g {
		t.Fatalf("%T(%s): other nodes changed\nwant:\n%s\ngot:\n%s\ninput:\n%s\noutput:\n%s", op, p, w, g, src, out)
	}
}

// expectDelete removes p from doc and returns the mapping if it got empty.
func expectDelete(doc *yaml.Node, p Path) map[*yaml.Node]bool {
	m := lookup(doc, p[:len(p)-1])
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == p[len(p)-1].Key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			break
		}
	}
	if len(m.Content) == 0 {
		return map[*yaml.Node]bool{m: true}
	}
	return nil
}

// expectAppend appends a mapping of fields to the sequence at key of
// mapping m, creating it if missing or empty, and returns the new nodes.
func expectAppend(m *yaml.Node, key string, fields []Field) map[*yaml.Node]bool {
	item := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fields {
		item.Content = append(item.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Value})
	}
	k, seq := keyValue(m, key)
	switch {
	case seq == nil:
		k = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
		seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		m.Content = append(m.Content, k, seq)
	case seq.Kind == yaml.ScalarNode:
		*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	seq.Content = append(seq.Content, item)
	return restyledAppend(k, seq)
}

// appendedAt returns the nodes an Append to key of mapping m may restyle.
func appendedAt(m *yaml.Node, key string) map[*yaml.Node]bool {
	return restyledAppend(keyValue(m, key))
}

// restyledAppend returns key k, sequence seq and its last item with its
// children.
func restyledAppend(k, seq *yaml.Node) map[*yaml.Node]bool {
	item := seq.Content[len(seq.Content)-1]
	out := map[*yaml.Node]bool{k: true, seq: true, item: true}
	for _, c := range item.Content {
		out[c] = true
	}
	return out
}

// keyValue returns the key and value nodes of key in mapping m, or nils.
func keyValue(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// indexPath returns the indices in Content leading from doc to the node at p.
func indexPath(doc *yaml.Node, p Path) []int {
	idx := []int{0}
	n := doc.Content[0]
	for _, s := range p {
		c := children(n, s)[0]
		idx = append(idx, slices.Index(n.Content, c))
		n = c
	}
	return idx
}

// byIndex follows indices from n.
func byIndex(n *yaml.Node, idx []int) *yaml.Node {
	for _, i := range idx {
		n = n.Content[i]
	}
	return n
}
