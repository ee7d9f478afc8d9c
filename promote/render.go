package promote

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// MaxTitle is the longest title a plan renders; longer ones are cut.
const MaxTitle = 256

// maxListed caps the changes listed one per line in commit messages.
const maxListed = 200

// Summary names what the plan promotes: "web 1.4.2, worker 2.0.1", with
// images by the last segment of their name and files by their name.
func (p *Plan) Summary() string {
	var parts []string
	seen := map[string]bool{}
	for _, c := range p.Changes {
		s := changeLabel(c)
		if p.Rollback {
			s = rollbackLabel(c)
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && p.Rollback {
		return "nothing to roll back"
	}
	if len(parts) == 0 {
		return "nothing to promote"
	}
	return strings.Join(parts, ", ")
}

func changeLabel(c Change) string {
	switch {
	case c.Kind == KindFile:
		return path.Base(c.Name)
	case c.Image != nil:
		return labelName(c) + " " + Version(c.Image.New.NewTag, c.Image.New.Digest)
	}
	return labelName(c) + " " + ShortValue(c.New)
}

// rollbackLabel names a rolled-back change: "web 1.4.2 → 1.4.1".
func rollbackLabel(c Change) string {
	switch {
	case c.Kind == KindFile || c.Old == "":
		return changeLabel(c)
	case c.Image != nil && c.Image.Old != nil:
		return labelName(c) + " " + Version(c.Image.Old.NewTag, c.Image.Old.Digest) + " → " + Version(c.Image.New.NewTag, c.Image.New.Digest)
	}
	return labelName(c) + " " + ShortValue(c.Old) + " → " + ShortValue(c.New)
}

// labelName is the short name of a change's promotable in titles: an
// image's or chart's last segment, a remote base's repository.
func labelName(c Change) string {
	name := c.Name
	if c.Image != nil && c.Image.New.Name != "" {
		name = c.Image.New.Name
	}
	if c.Kind == KindRef {
		repo, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(name, "https://"), "ssh://"), "//")
		name = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	}
	return path.Base(name)
}

// digestRE matches a digest to shorten.
var digestRE = regexp.MustCompile(`\b(sha256|sha512):([0-9a-f]{12})[0-9a-f]{20,}`)

// ShortValue shortens every digest in v as ShortDigest does: a value
// shows its tag and short digest (1.4.2@sha256:1a2b3c4d5e6f).
func ShortValue(v string) string {
	return digestRE.ReplaceAllString(v, "$1:$2")
}

// Labels are the labels a forge puts on the plan's proposal:
// LabelRollback for a rollback.
func (p *Plan) Labels() []string {
	if p.Rollback {
		return []string{LabelRollback}
	}
	return nil
}

// Version renders a tag with a short digest: 1.4.2@sha256:1a2b3c4d.
func Version(tag, digest string) string {
	d := ShortDigest(digest)
	switch {
	case tag == "":
		return d
	case d == "":
		return tag
	}
	return tag + "@" + d
}

// ShortDigest shortens sha256:<64 hex> to sha256:<12 hex>.
func ShortDigest(d string) string {
	algo, hex, ok := strings.Cut(d, ":")
	if ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return d
}

// Title is the commit subject and pull request title:
// promote(prod): web 1.4.2, worker 2.0.1.
func (p *Plan) Title() string {
	if p.Rollback {
		return cut(oneLine(fmt.Sprintf("rollback(%s): %s", p.To, p.Summary())), MaxTitle)
	}
	return cut(oneLine(fmt.Sprintf("promote(%s): %s", p.To, p.Summary())), MaxTitle)
}

// Cut shortens s to at most max bytes, ending it with "..." when cut.
func Cut(s string, max int) string { return cut(s, max) }

func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	r := []rune(s[:max-3])
	for len(string(r)) > max-3 {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), ", ") + "..."
}

// Trailer is one commit trailer.
type Trailer struct{ Key, Value string }

// Trailers are the Promote-* trailers of the plan's commit.
func (p *Plan) Trailers() []Trailer {
	t := []Trailer{{"Promote-From", p.From}, {"Promote-To", p.To}}
	if p.Rollback {
		t = []Trailer{{"Promote-To", p.To}, {"Promote-Rollback-To", p.RollbackTo}}
	}
	if p.SourceCommit != "" {
		t = append(t, Trailer{"Promote-Source-Commit", p.SourceCommit})
	}
	if p.SourceRev != "" {
		t = append(t, Trailer{"Promote-Source-Rev", p.SourceRev})
	}
	var imgs, apps []string
	for _, c := range p.Changes {
		if c.Kind == KindImage {
			imgs = append(imgs, c.Name+"="+fullRef(c))
		}
		if c.App != "" {
			apps = append(apps, c.App)
		}
	}
	for _, v := range uniqueSorted(imgs) {
		t = append(t, Trailer{"Promote-Image", v})
	}
	for _, v := range uniqueSorted(apps) {
		t = append(t, Trailer{"Promote-App", v})
	}
	if p.Forced != nil {
		t = append(t, Trailer{"Promote-Forced", p.Forced.Reason})
	}
	return t
}

// fullRef is the image reference the target runs after the change.
func fullRef(c Change) string {
	n := c.Image.New
	name := n.NewName
	if name == "" {
		name = c.Name
	}
	ref := name
	if n.NewTag != "" {
		ref += ":" + n.NewTag
	}
	if n.Digest != "" {
		ref += "@" + n.Digest
	}
	return ref
}

func uniqueSorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// CommitMessage is the proposal's commit message: title, a list of the
// changes and the trailers. Every value is kept to its line, so none can
// start a line of its own (a forged trailer).
func (p *Plan) CommitMessage() string {
	var b strings.Builder
	intro := fmt.Sprintf("Promote %s to %s.", p.From, p.To)
	if p.Rollback {
		intro = fmt.Sprintf("Roll back %s to its state at commit %s.", p.To, p.RollbackTo)
	}
	fmt.Fprintf(&b, "%s\n\n%s\n\n", p.Title(), intro)
	for i, c := range p.Changes {
		if i == maxListed {
			fmt.Fprintf(&b, "- ... and %d more changes\n", len(p.Changes)-maxListed)
			break
		}
		if p.Rollback && c.Kind == KindFile {
			fmt.Fprintf(&b, "- %s: restored\n", oneLine(c.File))
			continue
		}
		fmt.Fprintf(&b, "- %s\n", oneLine(changeLine(c)))
	}
	b.WriteString("\n")
	if len(p.NotRolledBack) > 0 {
		b.WriteString("Not rolled back (changed since, kept as they are):\n\n")
		for _, f := range p.NotRolledBack {
			fmt.Fprintf(&b, "- %s\n", oneLine(f))
		}
		b.WriteString("\n")
	}
	for _, t := range p.Trailers() {
		fmt.Fprintf(&b, "%s: %s\n", t.Key, oneLine(t.Value))
	}
	return b.String()
}

// changeLine describes a change on one line.
func changeLine(c Change) string {
	switch {
	case c.Kind == KindFile && c.Old == "":
		return fmt.Sprintf("%s: added, copied from %s", c.File, c.Source)
	case c.Kind == KindFile:
		return fmt.Sprintf("%s: replaced, copied from %s", c.File, c.Source)
	case c.Old == "":
		return fmt.Sprintf("%s: %s%s added at %s", c.File, kindWord(c), c.Name, c.New)
	}
	return fmt.Sprintf("%s: %s%s %s → %s", c.File, kindWord(c), c.Name, c.Old, c.New)
}

// kindWord prefixes the name of kinds other than images and files in
// messages: "helm image.tag", "chart redis".
func kindWord(c Change) string {
	if c.Kind == KindImage || c.Kind == KindFile {
		return ""
	}
	return c.Kind + " "
}
