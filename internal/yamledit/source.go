package yamledit

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// bom is the UTF-8 byte order mark; yaml.v3 counts columns after it.
var bom = []byte{0xEF, 0xBB, 0xBF}

// source indexes the lines of a YAML text so that yaml.Node positions can be
// turned into byte offsets.
type source struct {
	b     []byte
	lines []int  // byte offset of the start of each line
	eol   string // line ending used for inserted lines
}

// newSource indexes b. It rejects line breaks other than LF and CRLF because
// yaml.v3 counts them as line breaks and byte offsets would drift.
func newSource(b []byte) (*source, error) {
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return nil, &Error{Msg: "only utf-8 input is supported"}
	}
	s := &source{b: b, eol: "\n"}
	start := 0
	if bytes.HasPrefix(b, bom) {
		start = len(bom)
	}
	s.lines = append(s.lines, start)
	seenLF := false
	for i := start; i < len(b); i++ {
		switch {
		case b[i] == '\n':
			if !seenLF && i > 0 && b[i-1] == '\r' {
				s.eol = "\r\n"
			}
			seenLF = true
			s.lines = append(s.lines, i+1)
		case b[i] == '\t' && i == s.lines[len(s.lines)-1] && !tabsOnly(b[i:]):
			return nil, &Error{Line: len(s.lines), Msg: "line starts with a tab: tab indentation is not supported"}
		case b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n'):
			return nil, &Error{Line: len(s.lines), Msg: "unsupported line break: carriage return without line feed"}
		case isUnicodeBreak(b[i:]):
			return nil, &Error{Line: len(s.lines), Msg: "unsupported line break character (NEL, LS or PS)"}
		case bytes.HasPrefix(b[i:], bom):
			return nil, &Error{Line: len(s.lines), Msg: "unsupported byte order mark after the start"}
		}
	}
	return s, nil
}

// tabsOnly reports whether b starts with a line of spaces and tabs only.
func tabsOnly(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}

// isUnicodeBreak reports whether b starts with U+0085, U+2028 or U+2029.
func isUnicodeBreak(b []byte) bool {
	if len(b) >= 2 && b[0] == 0xC2 && b[1] == 0x85 {
		return true
	}
	return len(b) >= 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9)
}

// offset converts a 1-based yaml.v3 line and column (counted in characters)
// into a byte offset.
func (s *source) offset(line, col int) (int, bool) {
	if line == len(s.lines)+1 && col == 1 {
		return len(s.b), true // the stream end after a last line without a line break
	}
	if line < 1 || line > len(s.lines) || col < 1 {
		return 0, false
	}
	off := s.lines[line-1]
	for k := 1; k < col; k++ {
		if off >= len(s.b) {
			return 0, false
		}
		_, w := utf8.DecodeRune(s.b[off:])
		off += w
	}
	return off, true
}

// lineOf returns the 0-based line index containing offset off.
func (s *source) lineOf(off int) int {
	return sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
}

// lineStart returns the offset of the first byte of line l.
func (s *source) lineStart(l int) int {
	return s.lines[l]
}

// nextLineStart returns the offset just past line l and its line break.
func (s *source) nextLineStart(l int) int {
	if l+1 < len(s.lines) {
		return s.lines[l+1]
	}
	return len(s.b)
}

// lineEnd returns the offset of the line break ending line l (or the end of
// the text).
func (s *source) lineEnd(l int) int {
	if l+1 >= len(s.lines) {
		return len(s.b)
	}
	e := s.lines[l+1] - 1
	if e > s.lines[l] && s.b[e-1] == '\r' {
		e--
	}
	return e
}

// col returns the number of bytes between the start of off's line and off.
func (s *source) col(off int) int {
	return off - s.lines[s.lineOf(off)]
}

// indent returns the number of leading spaces of line l.
func (s *source) indent(l int) int {
	n := 0
	for i := s.lines[l]; i < len(s.b) && s.b[i] == ' '; i++ {
		n++
	}
	return n
}

// blank reports whether line l holds only spaces and tabs.
func (s *source) blank(l int) bool {
	for i := s.lines[l]; i < s.lineEnd(l); i++ {
		if s.b[i] != ' ' && s.b[i] != '\t' {
			return false
		}
	}
	return true
}

// firstOnLine reports whether only spaces and tabs precede off on its line.
func (s *source) firstOnLine(off int) bool {
	for i := s.lines[s.lineOf(off)]; i < off; i++ {
		if s.b[i] != ' ' && s.b[i] != '\t' {
			return false
		}
	}
	return true
}

// indentScan returns the last non-blank line after line l that is indented
// more than c, stopping at the first non-blank line indented c or less. It
// finds the end of block scalars and multi-line plain scalars. With
// withBlanks (block scalars) the blank lines before the stopping line are
// included too: they may hold content spaces or kept line breaks.
func (s *source) indentScan(l, c int, withBlanks bool) int {
	last := l
	for k := l + 1; k < len(s.lines); k++ {
		if s.blank(k) {
			if withBlanks && s.lines[k] < len(s.b) {
				last = k
			}
			continue
		}
		if s.indent(k) <= c {
			break
		}
		last = k
	}
	return last
}

// blockHeader reports whether a block scalar header ('|' or '>') is at off.
func (s *source) blockHeader(off int) bool {
	c := s.at(off)
	return c == '|' || c == '>'
}

// commentsAfter returns the last of the comment lines indented more than c
// that directly follow line l, or l: such comments belong to the entry
// ending on line l.
func (s *source) commentsAfter(l, c int) int {
	for l+1 < len(s.lines) && s.indent(l+1) > c && s.at(s.skipInline(s.lines[l+1])) == '#' {
		l++
	}
	return l
}

// commentsFrom is commentsAfter for comments indented c or more.
func (s *source) commentsFrom(l, c int) int {
	for l+1 < len(s.lines) && s.indent(l+1) >= c && s.at(s.skipInline(s.lines[l+1])) == '#' {
		l++
	}
	return l
}

// skipSpace skips spaces, tabs, line breaks and comments from off.
func (s *source) skipSpace(off int) int {
	for off < len(s.b) {
		switch s.b[off] {
		case ' ', '\t', '\r', '\n':
			off++
		case '#':
			off = s.lineEnd(s.lineOf(off))
		default:
			return off
		}
	}
	return off
}

// skipBlank skips spaces, tabs and line breaks from off.
func (s *source) skipBlank(off int) int {
	for off < len(s.b) && isBlank(s.b[off]) {
		off++
	}
	return off
}

// skipInline skips spaces and tabs from off.
func (s *source) skipInline(off int) int {
	for off < len(s.b) && (s.b[off] == ' ' || s.b[off] == '\t') {
		off++
	}
	return off
}

// at returns the byte at off, or 0 past the end.
func (s *source) at(off int) byte {
	if off < 0 || off >= len(s.b) {
		return 0
	}
	return s.b[off]
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
