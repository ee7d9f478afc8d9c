package report

import (
	"fmt"
	"io"

	"github.com/gitops-promote/promote/promote"
)

// VerifyText prints what verify found: how many of the commits that
// changed the promotables (since rev, when set) are proven promotions,
// and every change not traced to one.
func VerifyText(w io.Writer, res *promote.VerifyReport, rev string) {
	since := ""
	if rev != "" {
		since = " since " + rev
	}
	fmt.Fprintf(w, "%s: %d of %d %s changing its promotables%s %s proven %s\n", res.Environment, res.Proven, res.Commits, Plural(res.Commits, "commit"), since,
		map[bool]string{true: "is a", false: "are"}[res.Proven == 1], Plural(res.Proven, "promotion"))
	last := ""
	for _, u := range res.Untraced {
		if u.Commit != last {
			fmt.Fprintf(w, "\n%s %s %s <%s>  %s\n", Short(u.Commit), u.Date.Format("2006-01-02 15:04 -0700"), u.Author, u.Email, u.Subject)
			last = u.Commit
		}
		where := u.File
		if u.Line > 0 {
			where = fmt.Sprintf("%s:%d", u.File, u.Line)
		}
		if u.Kind == "" {
			fmt.Fprintf(w, "  %s\n", u.Reason)
			continue
		}
		fmt.Fprintf(w, "  %s  %s %s %s → %s: %s\n", where, u.Kind, u.Name, OrNone(u.Old, "(none)"), OrNone(u.New, "(removed)"), u.Reason)
	}
	if len(res.Untraced) > 0 {
		n := len(res.Untraced)
		fmt.Fprintf(w, "\n%d %s not traced to a promotion\n", n, map[bool]string{true: "change is", false: "changes are"}[n == 1])
	}
}
