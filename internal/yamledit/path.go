package yamledit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Step selects a child node: a mapping key (Key set), or an item of a sequence
// of mappings whose field Field has the string value Value. A Step is an item
// step when Field is not empty.
type Step struct{ Key, Field, Value string }

// Key returns a step selecting the value of mapping key k.
func Key(k string) Step { return Step{Key: k} }

// Item returns a step selecting the one sequence item that is a mapping whose
// field has the given string value.
func Item(field, value string) Step { return Step{Field: field, Value: value} }

// isItem reports whether s selects a sequence item.
func (s Step) isItem() bool { return s.Field != "" }

// Path is a list of steps from a document's root.
type Path []Step

// String formats p like images[name=web].newTag. Keys, fields and values
// holding characters with a meaning in paths are written as Go quoted
// strings, so that ParsePath(p.String()) returns p.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if s.isItem() {
			b.WriteString("[" + pathWord(s.Field, "[]=") + "=" + pathWord(s.Value, "[]=") + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(pathWord(s.Key, ".[]"))
	}
	return b.String()
}

// pathWord returns w, quoted if it is empty or holds a quote, backslash,
// control character, space or one of the special characters.
func pathWord(w, special string) string {
	if w == "" || strings.ContainsAny(w, special+`"\`) {
		return strconv.Quote(w)
	}
	for _, r := range w {
		if r <= ' ' || r == 0x7F {
			return strconv.Quote(w)
		}
	}
	return w
}

// ParsePath parses the format written by Path.String: keys separated by dots,
// item steps in brackets as [field=value], words optionally Go-quoted. The
// empty string is the empty path (the document root).
func ParsePath(s string) (Path, error) {
	var p Path
	for i := 0; i < len(s); {
		var st Step
		var err error
		switch {
		case s[i] == '[':
			st, i, err = parseItem(s, i+1)
		case s[i] == '.' && len(p) > 0:
			st.Key, i, err = parseWord(s, i+1, ".[]")
		case len(p) == 0:
			st.Key, i, err = parseWord(s, i, ".[]")
		default:
			err = errors.New("expected '.' or '['")
		}
		if err != nil {
			return nil, fmt.Errorf("parse path %q at offset %d: %w", s, i, err)
		}
		p = append(p, st)
	}
	return p, nil
}

// parseItem parses field=value] starting at offset i.
func parseItem(s string, i int) (Step, int, error) {
	f, i, err := parseWord(s, i, "=[]")
	if err != nil {
		return Step{}, i, err
	}
	if i >= len(s) || s[i] != '=' {
		return Step{}, i, errors.New("expected '='")
	}
	v, i, err := parseWord(s, i+1, "[]")
	if err != nil {
		return Step{}, i, err
	}
	if i >= len(s) || s[i] != ']' {
		return Step{}, i, errors.New("expected ']'")
	}
	if f == "" {
		return Step{}, i, errors.New("empty item field")
	}
	return Item(f, v), i + 1, nil
}

// parseWord parses a quoted or bare word at offset i; a bare word ends before
// any byte of stop.
func parseWord(s string, i int, stop string) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			return "", i, fmt.Errorf("bad quoted word: %w", err)
		}
		w, err := strconv.Unquote(q)
		return w, i + len(q), err
	}
	j := i
	for j < len(s) && !strings.ContainsRune(stop, rune(s[j])) {
		j++
	}
	if j == i {
		return "", i, errors.New("empty word")
	}
	return s[i:j], j, nil
}
