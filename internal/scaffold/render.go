package scaffold

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// SchemaURL is the JSON Schema editors validate promote.yaml against.
const SchemaURL = "https://raw.githubusercontent.com/gitops-promote/promote/main/schema/promote.schema.json"

// YAML renders the layout as a commented promote.yaml.
func (l *Layout) YAML() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# yaml-language-server: $schema=%s\n", SchemaURL)
	b.WriteString("# Written by `promote init`. Check the pipeline (each from:) and what\n")
	b.WriteString("# travels (promote:); docs/configuration.md lists every key.\n")
	for _, n := range l.Notes {
		fmt.Fprintf(&b, "# Note: %s.\n", n)
	}
	if l.Kind == Apps {
		b.WriteString("apps:\n")
		fmt.Fprintf(&b, "  path: %s  # %d apps found: %s\n", quote(l.AppsPath), len(l.Apps), summary(l.Apps, 5))
	}
	b.WriteString("environments:\n")
	for _, e := range l.Envs {
		fmt.Fprintf(&b, "  - name: %s\n", quote(e.Name))
		if e.Path != "" {
			fmt.Fprintf(&b, "    path: %s\n", quote(e.Path))
		}
		if e.Branch != "" {
			fmt.Fprintf(&b, "    branch: %s\n", quote(e.Branch))
		}
		if e.From != "" {
			fmt.Fprintf(&b, "    from: %s\n", quote(e.From))
		}
	}
	l.writePromote(&b)
	return []byte(b.String())
}

func (l *Layout) writePromote(b *strings.Builder) {
	p := l.Promote
	b.WriteString("promote:                 # what travels along every edge\n")
	b.WriteString("  images: true           # kustomize images: entries, container images in manifests and patches\n")
	if len(p.Files) > 0 {
		fmt.Fprintf(b, "  files: [%s]  # copied whole from the source environment\n", joinQuoted(p.Files))
	}
	if len(p.Helm) > 0 {
		b.WriteString("  helm:                  # Helm values that travel\n")
		for _, h := range p.Helm {
			fmt.Fprintf(b, "    - {file: %s, paths: [%s]}\n", quote(h.File), joinQuoted(h.Paths))
		}
	}
	if p.Charts {
		b.WriteString("  charts: true           # helmCharts: versions, Argo CD targetRevision, Flux HelmRelease version\n")
	}
	if p.Refs {
		b.WriteString("  refs: true             # ?ref= of remote bases, Flux GitRepository tags\n")
	}
}

var plain = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_./-]*$`)

// quote writes s as a YAML scalar: plain when it is a safe word, else
// double-quoted (a JSON string is a valid YAML double-quoted scalar).
func quote(s string) string {
	if plain.MatchString(s) && !strings.Contains(s, ": ") {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		default:
			return s
		}
	}
	q, _ := json.Marshal(s)
	return string(q)
}

func joinQuoted(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return strings.Join(out, ", ")
}

func summary(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ", ")
	}
	return strings.Join(ss[:n], ", ") + fmt.Sprintf(", and %d more", len(ss)-n)
}

// Pipeline renders the pipeline on one line, environments of one stage
// together: dev → staging → prod-eu, prod-us.
func (l *Layout) Pipeline() string {
	var parts []string
	last := -1
	for i, e := range l.Envs {
		r, _, ok := stage(e.Name)
		if i > 0 && ok && r == last {
			parts[len(parts)-1] += ", " + e.Name
			continue
		}
		if !ok {
			r = -1
		}
		parts, last = append(parts, e.Name), r
	}
	return strings.Join(parts, " → ")
}

// FirstEdge is the first environment promoted into, or "".
func (l *Layout) FirstEdge() string {
	for _, e := range l.Envs {
		if e.From != "" {
			return e.Name
		}
	}
	return ""
}
