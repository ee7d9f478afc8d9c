package yamledit

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// patchScalar finds patches[i].patch.
func patchScalar(i int) func(*yaml.Node) *yaml.Node {
	return func(root *yaml.Node) *yaml.Node {
		for j := 0; j+1 < len(root.Content); j += 2 {
			if root.Content[j].Value == "patches" && i < len(root.Content[j+1].Content) {
				item := root.Content[j+1].Content[i]
				for k := 0; k+1 < len(item.Content); k += 2 {
					if item.Content[k].Value == "patch" {
						return item.Content[k+1]
					}
				}
			}
		}
		return nil
	}
}

func TestEditLiteral(t *testing.T) {
	tests := []struct {
		name, src, want, err string
		set                  string
	}{
		{
			name: "json6902 value, strip chomping",
			src:  "resources:\n- ../../base\npatches:\n  - target:\n      kind: Rollout\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: argoproj/rollouts-demo:blue\n# end\n",
			set:  "value: argoproj/rollouts-demo:green",
			want: "resources:\n- ../../base\npatches:\n  - target:\n      kind: Rollout\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: argoproj/rollouts-demo:green\n# end\n",
		},
		{
			name: "keep chomping, crlf and blank lines",
			src:  "patches:\r\n- patch: |+\r\n    apiVersion: apps/v1\r\n\r\n    kind: Deployment # c\r\n\r\n",
			set:  "kind: StatefulSet # c",
			want: "patches:\r\n- patch: |+\r\n    apiVersion: apps/v1\r\n\r\n    kind: StatefulSet # c\r\n\r\n",
		},
		{
			name: "folded refused",
			src:  "patches:\n- patch: >\n    kind: Deployment\n",
			set:  "kind: X",
			err:  "only literal block scalars",
		},
		{
			name: "explicit indentation refused",
			src:  "patches:\n- patch: |2\n    kind: Deployment\n",
			set:  "kind: X",
			err:  "explicit indentation indicator",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EditLiteral([]byte(tt.src), 0, patchScalar(0), func(text []byte) ([]byte, error) {
				lines := strings.Split(string(text), "\n")
				for i, l := range lines {
					k, _, _ := strings.Cut(tt.set, ":")
					if strings.HasPrefix(strings.TrimLeft(l, " -"), k+":") {
						lines[i] = l[:len(l)-len(strings.TrimLeft(l, " -"))] + tt.set
					}
				}
				return []byte(strings.Join(lines, "\n")), nil
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
