package yamledit

import (
	"strconv"
	"strings"
)

// Error is returned for input that cannot be parsed or edited; Line is
// 1-based (0 if unknown) and Path is the path of the failing edit, if any.
type Error struct {
	Line int
	Path string
	Msg  string
}

// Error formats e like "line 4: images[name=web].newTag: value is a
// multi-line scalar", leaving out the unknown parts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// parseError converts a yaml.v3 error like "yaml: line 3: did not find
// expected key" into an *Error.
func parseError(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, tail, found := strings.Cut(rest, ": ")
		if n, convErr := strconv.Atoi(num); found && convErr == nil {
			line, msg = n, tail
		}
	}
	return &Error{Line: line, Msg: "invalid yaml: " + msg}
}
