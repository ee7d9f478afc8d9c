package runnertest

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// InputEnv returns the INPUT_* variables the runner sets for a step of
// the action described by actionYML with the inputs with: every input
// action.yml declares is set, to the step's value or else its default
// (${{ github.token }} evaluating to token, inputs without a default
// empty), under INPUT_ and the name with spaces made underscores, in
// upper case (hyphens kept). An input action.yml does not declare is an
// error, as the runner warns and the action cannot read it reliably.
func InputEnv(actionYML []byte, with map[string]string, token string) (map[string]string, error) {
	var a struct {
		Inputs map[string]struct {
			Default *string `yaml:"default"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(actionYML, &a); err != nil {
		return nil, fmt.Errorf("action.yml: %w", err)
	}
	env := map[string]string{}
	for name := range with {
		if _, ok := a.Inputs[name]; !ok {
			return nil, fmt.Errorf("unexpected input %s: action.yml does not declare it", name)
		}
	}
	for name, in := range a.Inputs {
		v, ok := with[name]
		if !ok && in.Default != nil {
			v = strings.ReplaceAll(*in.Default, "${{ github.token }}", token)
		}
		env["INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))] = v
	}
	return env, nil
}

// ParseOutputFile reads a GITHUB_OUTPUT file as the runner does: lines
// end at LF (a CR before it is part of the line), NAME=VALUE lines, and
// NAME<<DELIMITER blocks ending at a line that is exactly DELIMITER,
// whose value is the text in between without the last newline.
func ParseOutputFile(text string) (map[string]string, error) {
	out := map[string]string{}
	i := 0
	for i < len(text) {
		line, next, _ := readLine(text, i)
		i = next
		if line == "" {
			continue
		}
		eq, hd := strings.Index(line, "="), strings.Index(line, "<<")
		switch {
		case eq > 0 && (hd < 0 || eq < hd):
			out[line[:eq]] = line[eq+1:]
		case hd > 0 && hd+2 < len(line) && (eq < 0 || hd < eq):
			v, n, err := heredoc(text, i, line[hd+2:])
			if err != nil {
				return nil, err
			}
			out[line[:hd]], i = v, n
		default:
			return nil, fmt.Errorf("invalid format %q", line)
		}
	}
	return out, nil
}

// heredoc reads a value from i up to the line delim; it returns the value
// and the index after the delimiter's line.
func heredoc(text string, i int, delim string) (string, int, error) {
	start, end := i, i
	for {
		if i >= len(text) {
			return "", i, fmt.Errorf("invalid value: matching delimiter not found %q", delim)
		}
		l, n, nl := readLine(text, i)
		if l == delim {
			return text[start:end], n, nil
		}
		if !nl {
			return "", i, errors.New("invalid value: EOF marker missing new line")
		}
		end, i = n-1, n
	}
}

// readLine returns the line starting at i, the index after it and
// whether it ended with a newline.
func readLine(text string, i int) (string, int, bool) {
	j := strings.IndexByte(text[i:], '\n')
	if j < 0 {
		return text[i:], len(text), false
	}
	return text[i : i+j], i + j + 1, true
}

// Command is a workflow command the runner reads in a step's log.
type Command struct {
	// Name is the command (error, warning, add-mask...).
	Name string
	// Line is the log line that holds it.
	Line string
}

// Commands returns the workflow commands in log: lines (split at CR and
// LF, as the runner reads a process's output) that start, after white
// space, with "::NAME" followed by "::" or a space, or with "##[NAME]".
func Commands(log string) []Command {
	var out []Command
	for _, line := range strings.FieldsFunc(log, func(r rune) bool { return r == '\n' || r == '\r' }) {
		t := strings.TrimSpace(line)
		var name string
		switch {
		case strings.HasPrefix(t, "::"):
			rest := t[2:]
			end := strings.Index(rest, "::")
			if end < 0 {
				continue
			}
			name, _, _ = strings.Cut(rest[:end], " ")
		case strings.HasPrefix(t, "##["):
			end := strings.Index(t, "]")
			if end < 0 {
				continue
			}
			name, _, _ = strings.Cut(t[3:end], " ")
		default:
			continue
		}
		if name != "" {
			out = append(out, Command{Name: name, Line: line})
		}
	}
	return out
}
