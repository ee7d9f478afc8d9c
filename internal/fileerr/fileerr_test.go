package fileerr

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestFromYAML(t *testing.T) {
	var v struct{ N int }
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "a: [\n", "f.yaml:1: invalid YAML: did not find expected node content"},
		{"type", "n: x\n", "f.yaml:1: invalid YAML: cannot unmarshal !!str `x` into int"},
	}
	for _, tt := range tests {
		err := yaml.Unmarshal([]byte(tt.src), &v)
		if err == nil {
			t.Fatalf("%s: no error", tt.name)
		}
		if got := FromYAML("f.yaml", err, "invalid YAML: ").Error(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := (&Error{File: "f.yaml", Msg: "empty"}).Error(); got != "f.yaml: empty" {
		t.Errorf("without a line: %q", got)
	}
}
