package promote

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"slices"
	"strings"
	"time"
)

// BuildSource is the Promote-From of a set-image commit: the values come
// from a new build (its Promote-Image trailers), not from an environment.
const BuildSource = "build"

// SignatureCheck is what checking a commit's signature found.
type SignatureCheck struct {
	// Signed is true when the commit carries a signature.
	Signed bool
	// Good is true when it verifies against a trusted key.
	Good bool
	// Reason says why a signature is not good.
	Reason string
}

// Provenance reads what verifying a history needs besides the walk.
type Provenance interface {
	// TreeAt is the tree at commit, rooted like EnvCommit trees (the
	// directory of promote.yaml).
	TreeAt(commit string) (fs.FS, error)
	// Signature checks the signature of commit.
	Signature(commit string) (SignatureCheck, error)
}

// VerifyRequest selects what Verify checks.
type VerifyRequest struct {
	// Env is the environment.
	Env string
	// Apps restricts a monorepo's check to these apps; empty means all.
	Apps []string
	// RequireSigned requires every promotion commit's signature to
	// verify.
	RequireSigned bool
	// Since reports whether the walk reached the --since revision: that
	// commit and the older ones are not checked. Nil checks every commit.
	Since func(commit string) bool
}

// Untraced is a change to an environment's promotables that Verify could
// not trace to a promotion.
type Untraced struct {
	Commit  string    `json:"commit"`
	Author  string    `json:"author"`
	Email   string    `json:"email"`
	Date    time.Time `json:"date"`
	Subject string    `json:"subject"`
	App     string    `json:"app,omitempty"`
	File    string    `json:"file,omitempty"`
	Line    int       `json:"line,omitempty"`
	Kind    string    `json:"kind,omitempty"`
	Name    string    `json:"name,omitempty"`
	Old     string    `json:"old"`
	New     string    `json:"new"`
	// Reason says why: "not a promotion", "values differ from
	// staging@abc123 (staging has 1.4.2)", "unsigned"...
	Reason string `json:"reason"`
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Environment string `json:"environment"`
	// Commits counts the commits that changed the promotables; Proven
	// those whose every change was traced.
	Commits  int        `json:"commits"`
	Proven   int        `json:"proven"`
	Untraced []Untraced `json:"untraced"`
}

// OK reports whether every change was traced.
func (r *VerifyReport) OK() bool { return len(r.Untraced) == 0 }

// Verify walks an environment's history (commits newest first, as for
// History) and checks that every change to its promotables came from a
// promotion, rollback or set-image commit (Promote-* trailers, on the
// commit or, for a merge, on the merged branch's tip) whose recorded
// source held those values: the source environment at
// Promote-Source-Commit, the environment itself at Promote-Rollback-To,
// the Promote-Image trailers of a set-image. With RequireSigned each such
// commit's signature (or, for a merge commit, the merged promotion
// commit's) must verify. Every other change is a violation.
func Verify(cfg *Config, req VerifyRequest, commits iter.Seq2[EnvCommit, error], prov Provenance) (*VerifyReport, error) {
	env, err := cfg.Lookup(req.Env)
	if err != nil {
		return nil, err
	}
	v := verifier{cfg: cfg, env: env, req: req, prov: prov}
	rep := &VerifyReport{Environment: env.Name, Untraced: []Untraced{}}
	for c, err := range commits {
		if err != nil {
			return nil, err
		}
		if req.Since != nil && req.Since(c.Commit) {
			break
		}
		found, changed, err := v.commit(c)
		if err != nil {
			return nil, err
		}
		if !changed {
			continue
		}
		rep.Commits++
		if len(found) == 0 {
			rep.Proven++
		}
		rep.Untraced = append(rep.Untraced, found...)
	}
	return rep, nil
}

// verifier checks the commits of one environment.
type verifier struct {
	cfg  *Config
	env  Environment
	req  VerifyRequest
	prov Provenance
}

// commit checks one commit; changed is false when it did not change the
// promotables.
func (v verifier) commit(c EnvCommit) ([]Untraced, bool, error) {
	e := newEntry(c)
	changes, notes := commitChanges(v.cfg, v.env, v.req.Apps, c)
	if len(changes) == 0 && len(notes) == 0 {
		return nil, false, nil
	}
	var out []Untraced
	for _, n := range notes {
		out = append(out, untraced(e, Change{}, "cannot read the environment: "+n))
	}
	meta := commitMeta(c)
	reasons, err := v.provenance(c, meta, changes)
	if err != nil {
		return nil, true, err
	}
	if v.req.RequireSigned && isPromotion(meta) {
		if why, err := v.signature(c); err != nil {
			return nil, true, err
		} else if why != "" {
			for i := range changes {
				reasons[i] = append(reasons[i], why)
			}
		}
	}
	for i, ch := range changes {
		if len(reasons[i]) > 0 {
			out = append(out, untraced(e, ch, strings.Join(reasons[i], "; ")))
		}
	}
	return out, true, nil
}

// commitMeta reads the trailers of the commit, or of the merged branch's
// tip for a merge commit.
func commitMeta(c EnvCommit) CommitMeta {
	m := ParseCommitMessage(c.Message)
	if c.MergedMessage != "" && !isPromotion(m) {
		merged := ParseCommitMessage(c.MergedMessage)
		merged.Subject = m.Subject
		return merged
	}
	return m
}

// isPromotion reports whether the trailers say the commit is a
// promotion, rollback or set-image.
func isPromotion(m CommitMeta) bool { return m.From != "" || m.RollbackTo != "" }

// provenance returns, by index of changes, why each change is not
// proven by the commit's recorded source.
func (v verifier) provenance(c EnvCommit, m CommitMeta, changes []Change) (map[int][]string, error) {
	reasons := map[int][]string{}
	all := func(why string) (map[int][]string, error) {
		for i := range changes {
			reasons[i] = append(reasons[i], why)
		}
		return reasons, nil
	}
	switch {
	case !isPromotion(m):
		return all("not a promotion")
	case m.To != "" && m.To != v.env.Name:
		return all(fmt.Sprintf("a promotion to %s (Promote-To), not to %s", m.To, v.env.Name))
	case m.RollbackTo != "":
		return v.againstSource(c, v.env, m.RollbackTo, changes, reasons)
	case m.From == BuildSource:
		for i, ch := range changes {
			if why := buildValue(ch, m.Images); why != "" {
				reasons[i] = append(reasons[i], why)
			}
		}
		return reasons, nil
	case m.SourceCommit == "":
		return all(fmt.Sprintf("a promotion from %s without Promote-Source-Commit: its source cannot be checked", m.From))
	}
	src, ok := v.cfg.Env(m.From)
	if !ok {
		return all(fmt.Sprintf("Promote-From names %q, which is not an environment", m.From))
	}
	return v.againstSource(c, src, m.SourceCommit, changes, reasons)
}

// againstSource compares each changed value after the commit with src's
// at commit at.
func (v verifier) againstSource(c EnvCommit, src Environment, at string, changes []Change, reasons map[int][]string) (map[int][]string, error) {
	label := src.Name + "@" + shortCommit(at)
	tree, err := v.prov.TreeAt(at)
	if err != nil {
		for i := range changes {
			reasons[i] = append(reasons[i], fmt.Sprintf("source %s cannot be read: %v", label, err))
		}
		return reasons, nil
	}
	differ := map[string]Change{}
	for _, app := range changedApps(changes) {
		s, err := readSnapshotAs(v.cfg, src, v.cfg.PromotablesFor(v.env), app, tree, nil)
		if err != nil && !errors.Is(err, ErrNoDir) {
			return nil, fmt.Errorf("read %s: %w", label, err)
		}
		after, err := snapshotAt(v.cfg, v.env, app, c.After)
		if err != nil {
			return nil, fmt.Errorf("read %s at %s: %w", v.env.Name, shortCommit(c.Commit), err)
		}
		var dirs []string
		for _, snap := range []*Snapshot{after, s} {
			if snap != nil {
				dirs = append(dirs, snap.Dir)
			}
		}
		for _, d := range diffSnapshots(s, after) {
			differ[valueKey(d, dirs...)] = d
		}
	}
	for i, ch := range changes {
		if d, ok := differ[valueKey(ch, v.cfg.Dir(v.env, ch.App))]; ok {
			reasons[i] = append(reasons[i], fmt.Sprintf("values differ from %s (%s has %s)", label, src.Name, orNone(d.Old)))
		}
	}
	return reasons, nil
}

// buildValue says why a set-image change does not match the commit's
// Promote-Image trailers ("" when it does).
func buildValue(c Change, images map[string]string) string {
	if c.Kind != KindImage || c.Image == nil {
		return "a set-image commit changed more than images"
	}
	want, ok := images[c.Name]
	if !ok {
		return "no Promote-Image trailer names " + c.Name
	}
	if got := fullRef(c); got != want {
		return fmt.Sprintf("values differ from the Promote-Image trailer (%s)", want)
	}
	return ""
}

// signature says why the promotion commit's signature does not verify,
// "" when it does. For a merge commit the merged tip's signature counts
// too.
func (v verifier) signature(c EnvCommit) (string, error) {
	why := ""
	for _, h := range []string{c.Commit, c.Merged} {
		if h == "" {
			continue
		}
		s, err := v.prov.Signature(h)
		if err != nil {
			return "", err
		}
		if s.Good {
			return "", nil
		}
		if why == "" {
			why = "unsigned"
			if s.Signed {
				why = "signature does not verify: " + s.Reason
			}
		}
	}
	return why, nil
}

// changedApps lists the apps of changes ("" without apps).
func changedApps(changes []Change) []string {
	var apps []string
	for _, c := range changes {
		apps = append(apps, c.App)
	}
	slices.Sort(apps)
	return slices.Compact(apps)
}

// valueKey identifies a promotable across environments: by name for
// images and files, by name and file (relative to its environment's
// directory, one of dirs) for the other kinds, whose names (a Helm values
// path, a variable) may repeat across files.
func valueKey(c Change, dirs ...string) string {
	k := changeKey(c)
	if c.Kind == KindImage || c.Kind == KindFile {
		return k
	}
	rel := c.File
	for _, d := range dirs {
		if r, ok := strings.CutPrefix(c.File, d+"/"); ok {
			rel = r
			break
		}
	}
	return k + "\x00" + rel
}

// changeKey identifies a promotable across environments.
func changeKey(c Change) string { return c.App + "\x00" + c.Kind + "\x00" + c.Name }

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// untraced describes change ch of commit e.
func untraced(e HistoryEntry, ch Change, reason string) Untraced {
	return Untraced{
		Commit: e.Commit, Author: e.Author, Email: e.Email, Date: e.Date, Subject: e.Subject,
		App: ch.App, File: ch.File, Line: ch.Line, Kind: ch.Kind, Name: ch.Name, Old: ch.Old, New: ch.New,
		Reason: reason,
	}
}
