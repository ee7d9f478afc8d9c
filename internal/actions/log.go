package actions

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ParseBool reads a boolean input as the runner's toolkit does
// (core.getBooleanInput): true, True, TRUE, false, False or FALSE, the
// booleans of YAML 1.2's core schema.
func ParseBool(name, value string) (bool, error) {
	switch value {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("input %s: %s: expected true or false (also True, TRUE, False, FALSE)", name, strconv.Quote(value))
}

// CommandLine renders args for the log: arguments holding anything but
// plain printable characters are quoted with Go's escapes, so a value
// never breaks the line (the runner splits lines at CR and LF alike)
// and never starts a workflow command.
func CommandLine(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = quoteArg(a)
	}
	return strings.Join(out, " ")
}

func quoteArg(a string) string {
	name, value, flag := strings.Cut(a, "=")
	if !flag || !strings.HasPrefix(name, "--") {
		name, value = "", a
	}
	plain := value != ""
	for _, r := range value {
		if r <= ' ' || r == 0x7f || !strconv.IsPrint(r) || strings.ContainsRune(`"'\$`+"`", r) {
			plain = false
			break
		}
	}
	if !plain {
		value = strconv.Quote(value)
	}
	if name != "" {
		return name + "=" + value
	}
	return value
}

// Guard is a writer for text that may hold input or event data: a line
// that the runner would read as a workflow command (one starting, after
// white space, with "::" or "##[") is shown behind a "> " prefix instead, so
// only the workflow commands promote writes itself (to another writer)
// take effect. Lines end at LF or CR, as the runner reads them.
type Guard struct {
	mu    sync.Mutex
	w     io.Writer
	start []byte // the white space and first characters of a line not yet decided
	mid   bool   // inside a line whose start was written
}

// NewGuard returns a Guard writing to w.
func NewGuard(w io.Writer) *Guard { return &Guard{w: w} }

// Write implements io.Writer.
func (g *Guard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out bytes.Buffer
	for _, c := range p {
		switch {
		case c == '\n' || c == '\r':
			g.decide(&out)
			out.WriteByte(c)
			g.mid = false
		case g.mid:
			out.WriteByte(c)
		default:
			g.start = append(g.start, c)
			if undecided(g.start) {
				continue
			}
			g.decide(&out)
		}
	}
	if _, err := g.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a line start held back to see whether it is a workflow
// command.
func (g *Guard) Flush() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out bytes.Buffer
	g.decide(&out)
	_, err := g.w.Write(out.Bytes())
	return err
}

// decide writes the held line start, prefixed when it starts a
// workflow command.
func (g *Guard) decide(out *bytes.Buffer) {
	if len(g.start) == 0 {
		return
	}
	rest := bytes.TrimLeftFunc(g.start, unicode.IsSpace)
	if bytes.HasPrefix(rest, []byte("::")) || bytes.HasPrefix(rest, []byte("##[")) {
		out.WriteString("> ")
	}
	out.Write(g.start)
	g.start, g.mid = g.start[:0], true
}

// undecided reports whether start could still become "::" or "##[" after
// white space (Unicode's, which the runner trims).
func undecided(start []byte) bool {
	rest := bytes.TrimLeftFunc(start, unicode.IsSpace)
	if len(rest) == 0 || !utf8.FullRune(rest) {
		return true
	}
	for _, cmd := range []string{"::", "##["} {
		if len(rest) < len(cmd) && strings.HasPrefix(cmd, string(rest)) {
			return true
		}
	}
	return false
}
