package warnonce

import (
	"bytes"
	"strings"
	"testing"
)

func TestEachWarningOnce(t *testing.T) {
	in := strings.Join([]string{
		"# Warning: 'bases' is deprecated. Please use 'resources' instead.",
		"building envs/dev",
		"Warning: 'bases' is deprecated. Please use 'resources' instead.",
		"  # Warning: 'bases' is deprecated. Please use 'resources' instead.",
		"building envs/dev",
		"Warning: 'vars' is deprecated.",
	}, "\n") + "\n"
	var out bytes.Buffer
	New(&out).Forward(strings.NewReader(in))
	want := "# Warning: 'bases' is deprecated. Please use 'resources' instead.\nbuilding envs/dev\nbuilding envs/dev\nWarning: 'vars' is deprecated.\n"
	if out.String() != want {
		t.Errorf("forwarded:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestLongLinesAreKept(t *testing.T) {
	long := strings.Repeat("x", 2<<20)
	var out bytes.Buffer
	New(&out).Forward(strings.NewReader("short\n" + long + "\n"))
	if !strings.HasPrefix(out.String(), "short\n") || out.Len() != len("short\n")+len(long)+1 {
		t.Errorf("forwarded %d bytes, want %d", out.Len(), len("short\n")+len(long)+1)
	}
}
