package promote

import (
	"fmt"
	"strings"
)

// Markdown is the pull request body: a table of images (app, image, old →
// new) and a list of the files copied.
func (p *Plan) Markdown() string {
	if p.Rollback {
		return p.rollbackMarkdown()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Promotes **%s** to **%s**", p.From, p.To)
	if p.SourceCommit != "" {
		fmt.Fprintf(&b, " (source commit `%s`)", shortCommit(p.SourceCommit))
	}
	b.WriteString(".\n\n")
	p.forcedNote(&b)
	if p.Empty() {
		fmt.Fprintf(&b, "%s already runs what %s runs: nothing to promote.\n", p.To, p.From)
		return b.String()
	}
	p.imageTable(&b)
	p.valueTable(&b)
	p.fileList(&b)
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "> %s\n", n)
	}
	return b.String()
}

func (p *Plan) hasApps() bool {
	for _, c := range p.Changes {
		if c.App != "" {
			return true
		}
	}
	return false
}

func (p *Plan) imageTable(b *strings.Builder) {
	header := false
	apps := p.hasApps()
	for _, c := range p.Changes {
		if c.Kind != KindImage {
			continue
		}
		if !header {
			header = true
			if apps {
				b.WriteString("| app | image | old | new |\n|---|---|---|---|\n")
			} else {
				b.WriteString("| image | old | new |\n|---|---|---|\n")
			}
		}
		if apps {
			fmt.Fprintf(b, "| %s ", mdCell(c.App))
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", mdCell(c.Name), mdValue(ShortValue(c.Old), "(added)"), mdValue(ShortValue(c.New), ""))
	}
	if header {
		b.WriteString("\n")
	}
}

// valueTable lists the changes of kinds other than images and files:
// Helm values, chart versions, refs, Terraform values.
func (p *Plan) valueTable(b *strings.Builder) {
	header := false
	apps := p.hasApps()
	for _, c := range p.Changes {
		if c.Kind == KindImage || c.Kind == KindFile {
			continue
		}
		if !header {
			header = true
			if apps {
				b.WriteString("| app | kind | name | file | old | new |\n|---|---|---|---|---|---|\n")
			} else {
				b.WriteString("| kind | name | file | old | new |\n|---|---|---|---|---|\n")
			}
		}
		if apps {
			fmt.Fprintf(b, "| %s ", mdCell(c.App))
		}
		fmt.Fprintf(b, "| %s | `%s` | `%s` | %s | %s |\n", c.Kind, mdCell(c.Name), mdCell(c.File), mdValue(ShortValue(c.Old), "(added)"), mdValue(ShortValue(c.New), "(removed)"))
	}
	if header {
		b.WriteString("\n")
	}
}

func (p *Plan) fileList(b *strings.Builder) {
	header := false
	for _, c := range p.Changes {
		if c.Kind != KindFile {
			continue
		}
		if !header {
			header = true
			b.WriteString("Files copied:\n\n")
		}
		verb := "replaced"
		if c.Old == "" {
			verb = "added"
		}
		fmt.Fprintf(b, "- `%s` from `%s` (%s)\n", c.File, c.Source, verb)
	}
	if header {
		b.WriteString("\n")
	}
}

func mdValue(v, empty string) string {
	if v == "" {
		return empty
	}
	return "`" + mdCell(v) + "`"
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func shortCommit(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// rollbackMarkdown is a rollback's pull request body: the images and
// files set back, and the files not rolled back.
func (p *Plan) rollbackMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Rolls back **%s** to its state at commit `%s`.\n\n", p.To, shortCommit(p.RollbackTo))
	if p.Empty() {
		fmt.Fprintf(&b, "%s already runs what it ran then: nothing to roll back.\n", p.To)
		return b.String()
	}
	p.imageTable(&b)
	p.valueTable(&b)
	header := false
	for _, c := range p.Changes {
		if c.Kind != KindFile {
			continue
		}
		if !header {
			header = true
			b.WriteString("Files restored:\n\n")
		}
		fmt.Fprintf(&b, "- `%s`\n", c.File)
	}
	if header {
		b.WriteString("\n")
	}
	if len(p.NotRolledBack) > 0 {
		fmt.Fprintf(&b, "Not rolled back (changed since `%s`, kept as they are):\n\n", shortCommit(p.RollbackTo))
		for _, f := range p.NotRolledBack {
			fmt.Fprintf(&b, "- `%s`\n", f)
		}
		b.WriteString("\n")
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "> %s\n", n)
	}
	return b.String()
}

// forcedNote says that the plan was forced past the pipeline policy, why,
// and which rules it overrides.
func (p *Plan) forcedNote(b *strings.Builder) {
	if p.Forced == nil {
		return
	}
	fmt.Fprintf(b, "> [!WARNING]\n> **Forced** past the pipeline policy: %s\n", p.Forced.Reason)
	for _, v := range p.Forced.Overrides {
		fmt.Fprintf(b, "> - overrides %s: %s\n", v.Rule, v.Msg)
	}
	b.WriteString("\n")
}
