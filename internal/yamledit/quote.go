package yamledit

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// risky matches plain texts that yaml.v3 or a YAML 1.1 reader would resolve
// to something other than a string: numbers in any base, sexagesimal
// numbers, infinities, NaN and dates.
var risky = regexp.MustCompile(`^(?:` +
	`[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?` +
	`|[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?` +
	`|[-+]?0[xXoObB][0-9a-fA-F_]+` +
	`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?` +
	`|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t].*)?` +
	`)$`)

// riskyWords are booleans and nulls of YAML 1.1 and 1.2 and other special
// plain scalars, lower-cased.
var riskyWords = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true, "~": true, "<<": true, "=": true,
}

// render returns value as a YAML scalar for a mapping value. A quoted old
// style is kept; a plain or new value is written plain when that reads back
// as the same string, else double-quoted.
func render(value string, style yaml.Style, flow bool) (string, error) {
	if !utf8.ValidString(value) {
		return "", fmt.Errorf("value %q is not valid utf-8", value)
	}
	switch {
	case style&yaml.SingleQuotedStyle != 0 && singleOK(value):
		return "'" + strings.ReplaceAll(value, "'", "''") + "'", nil
	case style&yaml.DoubleQuotedStyle != 0:
		return doubleQuote(value), nil
	case plainOK(value, flow, false):
		return value, nil
	}
	return doubleQuote(value), nil
}

// renderKey returns k as a YAML mapping key: plain if safe, else
// double-quoted.
func renderKey(k string, flow bool) (string, error) {
	if !utf8.ValidString(k) {
		return "", fmt.Errorf("key %q is not valid utf-8", k)
	}
	if plainOK(k, flow, true) {
		return k, nil
	}
	q := doubleQuote(k)
	if len(q) > maxKeyLen {
		return "", fmt.Errorf("key is longer than %d bytes", maxKeyLen)
	}
	return q, nil
}

// maxKeyLen bounds written keys: YAML limits implicit keys to 1024
// characters.
const maxKeyLen = 1000

// printable reports whether r may appear unescaped in a quoted scalar.
func printable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return r != 0x2028 && r != 0x2029
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return r >= 0x10000 && r <= utf8.MaxRune
}

// singleOK reports whether s can be written single-quoted on one line.
func singleOK(s string) bool {
	for _, r := range s {
		if !printable(r) {
			return false
		}
	}
	return true
}

// escapes are the short escapes of double-quoted scalars.
var escapes = map[rune]string{
	'"': `\"`, '\\': `\\`, 0: `\0`, 0x07: `\a`, '\b': `\b`, '\t': `\t`,
	'\n': `\n`, 0x0B: `\v`, '\f': `\f`, '\r': `\r`, 0x1B: `\e`, 0x85: `\N`,
	0x2028: `\L`, 0x2029: `\P`,
}

// doubleQuote returns s as a double-quoted scalar on one line.
func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if e, ok := escapes[r]; ok {
			b.WriteString(e)
			continue
		}
		switch {
		case printable(r):
			b.WriteRune(r)
		case r <= 0xFF:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// plainOK reports whether s can be written as a plain scalar that every
// common YAML reader reads back as the string s.
func plainOK(s string, flow, key bool) bool {
	if s == "" || key && len(s) > maxKeyLen || !plainChars(s, flow) || riskyWords[strings.ToLower(s)] || risky.MatchString(s) {
		return false
	}
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") || strings.HasPrefix(s, "...") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	return readsBack(s, flow, key)
}

// plainChars reports whether s holds only characters safe in a plain
// scalar, without leading or trailing spaces.
func plainChars(s string, flow bool) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	if flow && strings.ContainsAny(s, ",?[]{}") {
		return false
	}
	for _, r := range s {
		if r != ' ' && (r < 0x21 || !printable(r)) {
			return false
		}
	}
	return true
}

// readsBack parses s in the context it will be written in and reports
// whether yaml.v3 reads it as the plain string s.
func readsBack(s string, flow, key bool) bool {
	var doc string
	var idx int
	switch {
	case flow && key:
		doc, idx = "{"+s+": x, y: z}", 0
	case flow:
		doc, idx = "{x: "+s+", y: z}", 1
	case key:
		doc, idx = s+": x\ny: z\n", 0
	default:
		doc, idx = "x: "+s+"\ny: z\n", 1
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil || len(n.Content) != 1 {
		return false
	}
	m := n.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 4 {
		return false
	}
	v := m.Content[idx]
	return v.Kind == yaml.ScalarNode && v.Tag == "!!str" && v.Value == s && v.Style == 0
}
