package renderdiff

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gitops-promote/promote/internal/kustomize"
)

// secretFields hold a Secret's values.
var secretFields = []string{"data", "stringData"}

// lastApplied is the annotation kubectl copies a whole manifest into.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// redactor replaces Secret values by a keyed hash: equal values hash
// equally within one comparison, so a diff shows which values changed,
// but the hash cannot be checked against a guessed value without every
// secret value of both renders, which derive the key.
type redactor struct {
	key []byte
}

// newRedactor derives the key from all Secret values of both renders.
func newRedactor(renders ...[]kustomize.Resource) *redactor {
	var values []string
	for _, rs := range renders {
		for _, r := range rs {
			if isSecret(r) {
				values = append(values, secretValues(r.YAML)...)
			}
		}
	}
	slices.Sort(values)
	h := sha256.New()
	h.Write([]byte("promote renderdiff secret redaction\x00"))
	for _, v := range values {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return &redactor{key: h.Sum(nil)}
}

func isSecret(r kustomize.Resource) bool {
	return r.ID.Kind == "Secret" && (r.ID.APIVersion == "v1" || strings.HasSuffix(r.ID.APIVersion, "/v1"))
}

// token is what a value is printed as.
func (red *redactor) token(v string) string {
	m := hmac.New(sha256.New, red.key)
	m.Write([]byte(v))
	return "<redacted hmac-sha256:" + hex.EncodeToString(m.Sum(nil))[:12] + ">"
}

// redact returns the resource's YAML, with a Secret's values replaced.
// A Secret that does not parse is replaced whole.
func (red *redactor) redact(r kustomize.Resource) string {
	if !isSecret(r) {
		return string(r.YAML)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(r.YAML, &doc); err != nil || len(doc.Content) == 0 {
		return "# " + r.ID.String() + ": " + red.token(string(r.YAML)) + "\n"
	}
	root := doc.Content[0]
	for _, f := range secretFields {
		red.redactMap(kustomize.MapValue(root, f))
	}
	if ann := kustomize.MapValue(kustomize.MapValue(root, "metadata"), "annotations"); ann != nil {
		if v := kustomize.MapValue(ann, lastApplied); v != nil {
			v.Value, v.Style, v.Tag = red.token(v.Value), 0, "!!str"
		}
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "# " + r.ID.String() + ": " + red.token(string(r.YAML)) + "\n"
	}
	_ = enc.Close()
	return b.String()
}

// redactMap replaces every value of mapping m (or m whole, when it is
// not a mapping) by its token.
func (red *redactor) redactMap(m *yaml.Node) {
	if m == nil {
		return
	}
	if m.Kind != yaml.MappingNode {
		*m = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: red.token(nodeText(m))}
		return
	}
	for i := 1; i < len(m.Content); i += 2 {
		v := m.Content[i]
		*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: red.token(nodeText(v))}
	}
}

// secretValues lists the values of a Secret's data and stringData.
func secretValues(y []byte) []string {
	var doc yaml.Node
	if err := yaml.Unmarshal(y, &doc); err != nil || len(doc.Content) == 0 {
		return []string{string(y)}
	}
	var out []string
	for _, f := range secretFields {
		m := kustomize.MapValue(doc.Content[0], f)
		if m == nil {
			continue
		}
		if m.Kind != yaml.MappingNode {
			out = append(out, nodeText(m))
			continue
		}
		for i := 1; i < len(m.Content); i += 2 {
			out = append(out, nodeText(m.Content[i]))
		}
	}
	return out
}

// nodeText is a scalar's value, or the YAML of anything else.
func nodeText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	b, _ := yaml.Marshal(n)
	return string(b)
}
