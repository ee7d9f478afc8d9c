package kustomize

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// remoteRepo matches what kustomize takes for a git repository rather
// than a local path: a URL with a scheme it clones (or git::), an
// scp-style user@host:path, or a github.com path.
var remoteRepo = regexp.MustCompile(`(?i)^(git::)?((ssh|https?|file)://|[a-z][a-z0-9-]*@|github\.com[/:])`)

// needsNetwork reports whether kustomize would fetch entry (a resources:
// or components: entry) instead of reading it from the tree.
func needsNetwork(entry string) bool { return remoteRepo.MatchString(strings.TrimSpace(entry)) }

// isURL reports an http(s) URL, which kustomize downloads wherever a file
// is expected.
func isURL(entry string) bool {
	e := strings.ToLower(strings.TrimSpace(entry))
	return strings.HasPrefix(e, "http://") || strings.HasPrefix(e, "https://")
}

// repoFields list remote bases; fileFields list files that may be URLs.
var (
	repoFields = []string{"resources", "bases", "components"}
	fileFields = []string{"patchesStrategicMerge", "crds", "configurations", "generators", "transformers", "validators"}
	helmFields = []string{"helmCharts", "helmChartInflationGenerator"}
)

// stripNetwork returns data without the entries kustomize would fetch
// over the network, and those entries. Data that does not parse, or holds
// nothing to drop, is returned as is (kustomize reports its errors).
func stripNetwork(file string, data []byte) ([]byte, []NotRendered) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data, nil
	}
	root := doc.Content[0]
	var dropped []NotRendered
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i].Value, root.Content[i+1]
		switch {
		case slices.Contains(repoFields, key):
			dropped = append(dropped, filterSeq(file, key, val, needsNetwork)...)
		case slices.Contains(fileFields, key):
			dropped = append(dropped, filterSeq(file, key, val, isURL)...)
		case key == "patches":
			dropped = append(dropped, filterPatches(file, val)...)
		case key == "openapi":
			dropped = append(dropped, filterOpenAPI(file, val)...)
		}
	}
	dropped = append(dropped, dropHelm(file, root)...)
	if len(dropped) == 0 {
		return data, nil
	}
	if len(root.Content) == 0 {
		// kustomize refuses an empty kustomization; an empty list is not.
		root.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Value: "resources"}, {Kind: yaml.SequenceNode}}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return data, nil
	}
	return out, dropped
}

// filterSeq removes the scalar items of seq for which remote is true.
func filterSeq(file, field string, seq *yaml.Node, remote func(string) bool) []NotRendered {
	if seq.Kind != yaml.SequenceNode {
		return nil
	}
	var dropped []NotRendered
	kept := seq.Content[:0]
	for _, item := range seq.Content {
		if item.Kind == yaml.ScalarNode && remote(item.Value) {
			dropped = append(dropped, NotRendered{File: file, Field: field, Entry: item.Value})
			continue
		}
		kept = append(kept, item)
	}
	seq.Content = kept
	return dropped
}

// filterPatches removes patches: items whose path: is a URL.
func filterPatches(file string, seq *yaml.Node) []NotRendered {
	if seq.Kind != yaml.SequenceNode {
		return nil
	}
	var dropped []NotRendered
	kept := seq.Content[:0]
	for _, item := range seq.Content {
		if p := MapValue(item, "path"); p != nil && isURL(p.Value) {
			dropped = append(dropped, NotRendered{File: file, Field: "patches", Entry: p.Value})
			continue
		}
		kept = append(kept, item)
	}
	seq.Content = kept
	return dropped
}

// filterOpenAPI drops an openapi: path: that is a URL.
func filterOpenAPI(file string, m *yaml.Node) []NotRendered {
	p := MapValue(m, "path")
	if p == nil || !isURL(p.Value) {
		return nil
	}
	m.Content = nil
	return []NotRendered{{File: file, Field: "openapi", Entry: p.Value}}
}

// dropHelm removes helmCharts:, helmChartInflationGenerator: and
// helmGlobals: and lists each chart (kustomize would pull it).
func dropHelm(file string, root *yaml.Node) []NotRendered {
	var dropped []NotRendered
	kept := root.Content[:0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch {
		case slices.Contains(helmFields, key.Value):
			dropped = append(dropped, helmCharts(file, key.Value, val)...)
			continue
		case key.Value == "helmGlobals":
			continue
		}
		kept = append(kept, key, val)
	}
	root.Content = kept
	return dropped
}

func helmCharts(file, field string, seq *yaml.Node) []NotRendered {
	if seq.Kind != yaml.SequenceNode {
		return []NotRendered{{File: file, Field: field, Entry: "(charts)"}}
	}
	var out []NotRendered
	for _, c := range seq.Content {
		entry := "chart"
		if n := MapValue(c, "name"); n != nil {
			entry = "chart " + n.Value
		} else if n := MapValue(c, "chartName"); n != nil {
			entry = "chart " + n.Value
		}
		if v := MapValue(c, "version"); v != nil && v.Value != "" {
			entry += " " + v.Value
		} else if v := MapValue(c, "chartVersion"); v != nil && v.Value != "" {
			entry += " " + v.Value
		}
		out = append(out, NotRendered{File: file, Field: field, Entry: entry})
	}
	return out
}

// MapValue returns the value of key in mapping m, or nil.
func MapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setsSchema reports whether the kustomization data has a top-level
// openapi: field (which sets kustomize's process-wide schema).
func setsSchema(data []byte) bool {
	if !bytes.Contains(data, []byte("openapi")) {
		return false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "openapi" {
			return true
		}
	}
	return false
}
