package refs

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/promotable"
)

// RemoteBasesName names the remote bases unit in locators.
const RemoteBasesName = "remote-base"

// RemoteBases is the scanner of the ?ref= of remote bases. A remote base
// is known by its URL without the ref parameter.
type RemoteBases struct{}

// Name implements promotable.Scanner.
func (RemoteBases) Name() string { return RemoteBasesName }

// lists are the kustomization fields that hold bases.
var lists = []string{"resources", "components", "bases"}

// Scan implements promotable.Scanner.
func (RemoteBases) Scan(d *promotable.Dir) ([]promotable.Found, error) {
	ks, err := d.Kustomizations()
	if err != nil {
		return nil, err
	}
	var out []promotable.Found
	for _, k := range ks {
		if !k.Mentions("ref=") {
			continue
		}
		docs, err := d.Documents(k.File)
		if err != nil || len(docs) == 0 {
			return nil, err
		}
		for _, list := range lists {
			seq := promotable.Child(docs[0], list)
			if seq == nil || seq.Kind != yaml.SequenceNode {
				continue
			}
			for i, n := range seq.Content {
				base, ref, ok := SplitRef(n.Value)
				if n.Kind != yaml.ScalarNode || !ok {
					continue
				}
				out = append(out, promotable.Found{Kind: promotable.KindRef, Key: base, Name: base, Value: ref, File: k.File, Line: n.Line,
					At: promotable.Locator{Scanner: RemoteBasesName, Path: list, Index: &i}})
			}
		}
	}
	return out, nil
}

// SplitRef splits a remote base into the URL without its ref parameter
// and the ref; ok is false when it has no ref= parameter.
func SplitRef(u string) (base, ref string, ok bool) {
	start, end := refSpan(u)
	if start < 0 {
		return "", "", false
	}
	base = u[:start-len("ref=")] + u[end:]
	base = strings.NewReplacer("?&", "?", "&&", "&").Replace(base)
	return strings.TrimRight(base, "?&"), u[start:end], true
}

// refSpan returns the byte range of the ref parameter's value, or -1.
func refSpan(u string) (int, int) {
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return -1, -1
	}
	off := q + 1
	for _, param := range strings.Split(u[q+1:], "&") {
		if v, ok := strings.CutPrefix(param, "ref="); ok && v != "" {
			return off + len("ref="), off + len(param)
		}
		off += len(param) + 1
	}
	return -1, -1
}

// SetRef returns u with its ref parameter set to ref.
func SetRef(u, ref string) string {
	start, end := refSpan(u)
	if start < 0 {
		return u
	}
	return u[:start] + ref + u[end:]
}

// safeRef is what a ref may be to be written into any YAML scalar style
// without quoting or escaping.
var safeRef = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/+-]*$`)

// Edit implements promotable.Editor: only the ref's bytes in the entry
// change, and the result is checked to differ from data in that entry
// only.
func (RemoteBases) Edit(data []byte, e promotable.Edit) ([]byte, error) {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: set ref of %s: %s", e.File, line, e.Name, fmt.Sprintf(format, args...))
	}
	if !safeRef.MatchString(e.New) || e.At.Index == nil {
		return nil, fail(0, "ref %q: expected letters, digits and . _ / + -", e.New)
	}
	docs, err := promotable.ParseDocuments(e.File, data)
	if err != nil {
		return nil, err
	}
	if e.At.Doc >= len(docs) {
		return nil, fail(0, "document %d not found", e.At.Doc)
	}
	seq := promotable.Child(docs[e.At.Doc], e.At.Path)
	if seq == nil || seq.Kind != yaml.SequenceNode || *e.At.Index >= len(seq.Content) {
		return nil, fail(0, "%s[%d] not found", e.At.Path, *e.At.Index)
	}
	n := seq.Content[*e.At.Index]
	if _, ref, ok := SplitRef(n.Value); !ok || ref != e.Old {
		return nil, fail(n.Line, "%s[%d] is %q, expected a ref of %s", e.At.Path, *e.At.Index, n.Value, e.Old)
	}
	out, err := replaceOnLine(data, n.Line, n.Column, "ref="+e.Old, "ref="+e.New)
	if err != nil {
		return nil, fail(n.Line, "%v", err)
	}
	if err := sameExcept(data, out, e, SetRef(n.Value, e.New)); err != nil {
		return nil, fail(n.Line, "%v", err)
	}
	return out, nil
}

// replaceOnLine replaces the first occurrence of old at or after column
// col (1-based, in characters) of line (1-based).
func replaceOnLine(data []byte, line, col int, old, repl string) ([]byte, error) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return nil, fmt.Errorf("line %d not found", line)
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(data); c++ {
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	end := bytes.IndexByte(data[off:], '\n')
	if end < 0 {
		end = len(data) - off
	}
	i := bytes.Index(data[off:off+end], []byte(old))
	if i < 0 {
		return nil, fmt.Errorf("%s is not written literally on the line", strconv.Quote(old))
	}
	at := off + i
	return append(append(append([]byte{}, data[:at]...), repl...), data[at+len(old):]...), nil
}

// sameExcept checks that out parses to data's content with only the
// located entry set to want.
func sameExcept(data, out []byte, e promotable.Edit, want string) error {
	before, err := decodeAll(data)
	if err != nil {
		return err
	}
	after, err := decodeAll(out)
	if err != nil {
		return fmt.Errorf("internal error, nothing applied: the result does not parse: %w", err)
	}
	m, ok := before[e.At.Doc].(map[string]any)
	if ok {
		if seq, ok := m[e.At.Path].([]any); ok && *e.At.Index < len(seq) {
			seq[*e.At.Index] = want
		}
	}
	if !reflect.DeepEqual(before, after) {
		return fmt.Errorf("internal error, nothing applied: the edit would change more than the ref")
	}
	return nil
}

func decodeAll(data []byte) ([]any, error) {
	docs, err := promotable.ParseDocuments("", data)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(docs))
	for i, d := range docs {
		if d != nil {
			if err := d.Decode(&out[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
