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
	switch {
	case p.SourceRev != "":
		fmt.Fprintf(&b, " as it was at `%s` (source commit `%s`)", strings.ReplaceAll(p.SourceRev, "`", ""), shortCommit(p.SourceCommit))
	case p.SourceCommit != "":
		fmt.Fprintf(&b, " (source commit `%s`)", shortCommit(p.SourceCommit))
	}
	b.WriteString(".\n\n")
	p.forcedNote(&b)
	p.gateTable(&b)
	if !p.Differs() && p.NotCompared {
		fmt.Fprintf(&b, "%s: nothing to promote.\n", p.Matches())
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "> %s\n", n)
		}
		return b.String()
	}
	if !p.Differs() {
		fmt.Fprintf(&b, "%s already runs what %s runs: nothing to promote.\n", p.To, p.From)
		return b.String()
	}
	p.imageTable(&b)
	p.valueTable(&b)
	p.fileList(&b)
	p.unpromotableList(&b)
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
	apps := p.hasApps()
	p.section(b, tableHeader(apps, "image", "old", "new"), func(c Change) bool { return c.Kind == KindImage }, func(c Change) string {
		return appCell(apps, c) + fmt.Sprintf("| %s | %s | %s%s |\n", Code(c.Name), mdValue(ShortValue(c.Old), "(added)"), mdValue(ShortValue(c.New), ""), downgradeNote(c))
	})
}

// valueTable lists the changes of kinds other than images and files:
// Helm values, chart versions, refs, Terraform values.
func (p *Plan) valueTable(b *strings.Builder) {
	apps := p.hasApps()
	keep := func(c Change) bool { return c.Kind != KindImage && c.Kind != KindFile }
	p.section(b, tableHeader(apps, "kind", "name", "file", "old", "new"), keep, func(c Change) string {
		return appCell(apps, c) + fmt.Sprintf("| %s | %s | %s | %s | %s%s |\n", c.Kind, Code(c.Name), Code(c.File), mdValue(ShortValue(c.Old), "(added)"), mdValue(ShortValue(c.New), "(removed)"), downgradeNote(c))
	})
}

func (p *Plan) fileList(b *strings.Builder) {
	p.section(b, "Files copied:\n\n", isFile, func(c Change) string {
		verb := "replaced"
		if c.Old == "" {
			verb = "added"
		}
		return fmt.Sprintf("- %s from %s (%s)\n", Code(c.File), Code(c.Source), verb)
	})
}

// section writes header and a line for each change keep accepts, then a
// blank line; nothing when it accepts none.
func (p *Plan) section(b *strings.Builder, header string, keep func(Change) bool, line func(Change) string) {
	empty := true
	for _, c := range p.Changes {
		if !keep(c) {
			continue
		}
		if empty {
			empty = false
			b.WriteString(header)
		}
		b.WriteString(line(c))
	}
	if !empty {
		b.WriteString("\n")
	}
}

func isFile(c Change) bool { return c.Kind == KindFile }

// tableHeader is a table's header row and rule with cols, after an app
// column when apps.
func tableHeader(apps bool, cols ...string) string {
	if apps {
		cols = append([]string{"app"}, cols...)
	}
	return "| " + strings.Join(cols, " | ") + " |\n" + strings.Repeat("|---", len(cols)) + "|\n"
}

// appCell is a row's app cell when the table has one.
func appCell(apps bool, c Change) string {
	if !apps {
		return ""
	}
	return fmt.Sprintf("| %s ", mdCell(c.App))
}

func mdValue(v, empty string) string {
	if v == "" {
		return empty
	}
	return Code(v)
}

// mdCell escapes text for a table cell outside code: no raw HTML, no
// markup, one line.
func mdCell(s string) string { return mdText(oneLine(s)) }

// Code is s as a markdown code span that s cannot break out of: a fence
// one backtick longer than the longest run of backticks in s, spaces
// inside it when s starts or ends with a backtick, line breaks as spaces
// and "|" escaped so that the span also fits a table cell. Inside a code
// span, markup and HTML are shown as text.
func Code(s string) string {
	s = oneLine(s)
	fence := strings.Repeat("`", longestBackticks(s)+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + strings.ReplaceAll(s, "|", "\\|") + fence
}

// Fence is a fence for a code block holding s: longer than any run of
// backticks in s, so s cannot close it, and at least three.
func Fence(s string) string {
	return strings.Repeat("`", max(3, longestBackticks(s)+1))
}

// longestBackticks is the length of the longest run of backticks in s.
func longestBackticks(s string) int {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// oneLine replaces the line breaks and other control characters of s by
// spaces, so that a value keeps to the line it is written on.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

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
	p.section(&b, "Files restored:\n\n", isFile, func(c Change) string { return "- " + Code(c.File) + "\n" })
	if len(p.NotRolledBack) > 0 {
		fmt.Fprintf(&b, "Not rolled back (changed since `%s`, kept as they are):\n\n", shortCommit(p.RollbackTo))
		for _, f := range p.NotRolledBack {
			fmt.Fprintf(&b, "- %s\n", Code(f))
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
	fmt.Fprintf(b, "> [!WARNING]\n> **Forced** past the pipeline policy: %s\n", mdText(p.Forced.Reason))
	for _, v := range p.Forced.Overrides {
		fmt.Fprintf(b, "> - overrides %s: %s\n", v.Rule, mdText(v.Msg))
	}
	b.WriteString("\n")
}

// unpromotableList warns about what still differs after the change,
// where promote cannot edit it.
func (p *Plan) unpromotableList(b *strings.Builder) {
	if len(p.Unpromotable) == 0 {
		return
	}
	b.WriteString("> [!WARNING]\n> Still different after this change: promote cannot edit where these are set.\n>\n")
	for _, u := range p.Unpromotable {
		app := ""
		if u.App != "" {
			app = "[" + mdCell(u.App) + "] "
		}
		fmt.Fprintf(b, "> - %s%s differs (%s → %s) but promote cannot edit where it is set: %s (%s)\n",
			app, Code(u.Name()), Code(u.Source), Code(u.Target), Code(u.Where), mdText(u.Why))
	}
	b.WriteString("\n")
}

// downgradeNote marks a change that lowers a version in tables.
func downgradeNote(c Change) string {
	if c.Downgrade {
		return " ⚠️ **downgrade**"
	}
	return ""
}
