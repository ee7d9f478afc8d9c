package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gitops-promote/promote/promote"
)

// statusRow is one image of one environment (and app).
type statusRow struct{ env, app, image, tag, digest string }

func statusRows(st *promote.Status) []statusRow {
	var rows []statusRow
	for _, e := range st.Environments {
		for _, s := range e.Apps {
			for _, img := range s.Images {
				name := img.Name
				if img.NewName != "" {
					name += " → " + img.NewName
				}
				rows = append(rows, statusRow{e.Name, s.App, name, img.NewTag, promote.ShortDigest(img.Digest)})
			}
			for _, v := range s.Values {
				rows = append(rows, valueRow(e.Name, s.App, v))
			}
		}
	}
	return rows
}

// valueRow is a status row for a promotable other than a kustomize
// image: a container image by name, other kinds as "kind name".
func valueRow(env, app string, v promote.Value) statusRow {
	name, tag, digest := v.Kind+" "+v.Name, v.Value, ""
	if v.Image != nil {
		tag, digest = v.Image.Tag, promote.ShortDigest(v.Image.Digest)
	}
	if v.Kind == promote.KindImage {
		name = v.Name
	}
	return statusRow{env, app, name, tag, digest}
}

// StatusText prints a status as tables: what every environment (and
// app) runs, then the pipeline; apps adds the app column.
func StatusText(w io.Writer, st *promote.Status, apps bool) {
	// One write per line of 30,000 would cost a system call each.
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	w = bw
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"ENVIRONMENT", "APP", "IMAGE", "TAG", "DIGEST"}
	if !apps {
		header = append(header[:1], header[2:]...)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range statusRows(st) {
		cells := []string{r.env, r.app, r.image, OrNone(r.tag, "-"), OrNone(r.digest, "-")}
		if !apps {
			cells = append(cells[:1], cells[2:]...)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
	writeEmptyNotes(w, st)
	if len(st.Pipeline) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PIPELINE\tSTATE\tBEHIND BY")
	for _, e := range st.Pipeline {
		fmt.Fprintf(tw, "%s → %s\t%s\t%s\n", e.From, e.To, edgeState(e), behindBy(e))
	}
	_ = tw.Flush()
	for _, e := range st.Pipeline {
		if !promote.ShowGates(e.Gates) {
			continue
		}
		fmt.Fprintf(w, "\ngates %s → %s\n", e.From, e.To)
		for _, l := range promote.GateLines(e.Gates) {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

// writeEmptyNotes says why an environment has no rows, so that an empty
// table is never the only answer.
func writeEmptyNotes(w io.Writer, st *promote.Status) {
	for _, e := range st.Environments {
		if e.Error != "" {
			continue
		}
		for _, s := range e.Apps {
			if len(s.Images) == 0 && len(s.Values) == 0 && len(s.Files) == 0 {
				fmt.Fprintf(w, "no pinned images found in %s: nothing to compare; see promote init and docs/configuration.md\n", s.Dir)
			}
		}
	}
}

func edgeState(e promote.EdgeStatus) string {
	switch {
	case e.Error != "":
		return "error"
	case e.Behind && promote.GatesHold(e.Gates):
		return "behind (gated)"
	case e.Behind:
		return "behind"
	case len(e.Unpromotable) > 0:
		return "differs"
	}
	return "up to date"
}

// behindBy lists what a promotion would change: images old → new and the
// files it would copy.
func behindBy(e promote.EdgeStatus) string {
	if e.Error != "" {
		return e.Error
	}
	var parts []string
	for _, c := range e.Changes {
		app := ""
		if c.App != "" {
			app = "[" + c.App + "] "
		}
		if c.Kind == promote.KindFile {
			parts = append(parts, app+"file "+c.Name)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s%s %s → %s", app, c.Name, OrNone(c.Old, "(none)"), c.New))
	}
	for _, u := range e.Unpromotable {
		parts = append(parts, fmt.Sprintf("%s differs (%s → %s) at %s, not editable", u.Name(), u.Source, u.Target, u.Where))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// StatusMarkdown prints a status as markdown tables.
func StatusMarkdown(w io.Writer, st *promote.Status, apps bool) {
	fmt.Fprintln(w, "## Environments")
	fmt.Fprintln(w)
	if apps {
		fmt.Fprintln(w, "| environment | app | image | tag | digest |\n|---|---|---|---|---|")
	} else {
		fmt.Fprintln(w, "| environment | image | tag | digest |\n|---|---|---|---|")
	}
	for _, r := range statusRows(st) {
		if apps {
			fmt.Fprintf(w, "| %s | %s ", r.env, MdEscape(r.app))
		} else {
			fmt.Fprintf(w, "| %s ", r.env)
		}
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", MdEscape(r.image), mdCode(r.tag), mdCode(r.digest))
	}
	if len(st.Pipeline) == 0 {
		return
	}
	fmt.Fprintln(w, "\n## Pipeline")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| edge | state | behind by |\n|---|---|---|")
	for _, e := range st.Pipeline {
		fmt.Fprintf(w, "| %s → %s | %s | %s |\n", e.From, e.To, edgeState(e), MdEscape(behindBy(e)))
	}
	for _, e := range st.Pipeline {
		if promote.ShowGates(e.Gates) {
			fmt.Fprintf(w, "\n### Gates %s → %s\n\n%s", e.From, e.To, promote.GateMarkdown(e.Gates))
		}
	}
}

func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + MdEscape(s) + "`"
}
