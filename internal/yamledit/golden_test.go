package yamledit

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the expected.yaml files of the golden tests")

// TestGolden runs the cases in testdata/golden. Each case is a directory
// with three files:
//
//   - input.yaml: the file to edit, byte for byte (CRLF kept);
//   - ops.txt: the edits, one per line;
//   - expected.yaml: the exact expected result.
//
// ops.txt lines are blank, comments starting with '#', or one of
//
//	doc N                       edit document N (0-based, default 0)
//	set PATH VALUE              Set(PATH, VALUE)
//	delete PATH                 Delete(PATH)
//	append PATH [KEY=VALUE...]  Append(PATH, fields...); KEY may be Go-quoted
//
// PATH uses the syntax of ParsePath ("-" is the empty path); VALUE may be a
// Go-quoted string. All ops of a case go to one Apply call. Since the
// expected file is compared byte for byte, `diff input.yaml expected.yaml`
// shows exactly the lines an edit touches.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { runGolden(t, dir) })
	}
}

func runGolden(t *testing.T, dir string) {
	input := readFile(t, filepath.Join(dir, "input.yaml"))
	doc, ops, err := parseOps(string(readFile(t, filepath.Join(dir, "ops.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	orig := bytes.Clone(input)
	got, err := Apply(input, doc, ops...)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if !bytes.Equal(input, orig) {
		t.Fatal("Apply modified its input")
	}
	if err := parsesAll(got); err != nil {
		t.Fatalf("result does not parse: %v\n%s", err, got)
	}
	want := filepath.Join(dir, "expected.yaml")
	if *update {
		if err := os.WriteFile(want, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if exp := readFile(t, want); !bytes.Equal(got, exp) {
		t.Errorf("result differs from expected.yaml\n--- got:\n%s\n--- want:\n%s", got, exp)
	}
	again, err := Apply(got, doc, setsOnly(ops)...)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("repeating the sets changed the result (err %v):\n%s", err, again)
	}
}

// setsOnly returns the Set ops of ops, which must not change their own result.
func setsOnly(ops []Op) []Op {
	var out []Op
	for _, op := range ops {
		if _, ok := op.(setOp); ok {
			out = append(out, op)
		}
	}
	return out
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parsesAll decodes every document of b.
func parsesAll(b []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// parseOps parses an ops.txt file.
func parseOps(text string) (int, []Op, error) {
	doc := 0
	var ops []Op
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		words, err := splitWords(line)
		if err != nil {
			return 0, nil, fmt.Errorf("ops.txt:%d: %w", i+1, err)
		}
		if words[0] == "doc" && len(words) == 2 {
			doc, err = strconv.Atoi(words[1])
		} else {
			var op Op
			op, err = parseOp(words)
			ops = append(ops, op)
		}
		if err != nil {
			return 0, nil, fmt.Errorf("ops.txt:%d: %w", i+1, err)
		}
	}
	return doc, ops, nil
}

// parseOp builds one op from its words.
func parseOp(words []string) (Op, error) {
	if len(words) < 2 {
		return nil, errors.New("missing path")
	}
	var p Path
	if words[1] != "-" {
		var err error
		if p, err = ParsePath(words[1]); err != nil {
			return nil, err
		}
	}
	switch {
	case words[0] == "set" && len(words) == 3:
		v, err := unquote(words[2])
		return Set(p, v), err
	case words[0] == "delete" && len(words) == 2:
		return Delete(p), nil
	case words[0] == "append":
		var fields []Field
		for _, w := range words[2:] {
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				return nil, fmt.Errorf("field %q has no '='", w)
			}
			k, err := unquote(k)
			if err != nil {
				return nil, err
			}
			v, err = unquote(v)
			if err != nil {
				return nil, err
			}
			fields = append(fields, Field{Key: k, Value: v})
		}
		return Append(p, fields...), nil
	}
	return nil, fmt.Errorf("bad op %q", strings.Join(words, " "))
}

// unquote unquotes a Go-quoted word and returns other words as they are.
func unquote(w string) (string, error) {
	if strings.HasPrefix(w, `"`) {
		return strconv.Unquote(w)
	}
	return w, nil
}

// splitWords splits line at spaces outside Go-quoted strings.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\\' && i+1 < len(line):
			cur.WriteByte(c)
			i++
			c = line[i]
		case c == '"':
			quoted = !quoted
		case c == ' ' && !quoted:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteByte(c)
	}
	if quoted {
		return nil, errors.New("unterminated quote")
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words, nil
}
