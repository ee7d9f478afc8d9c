package promote

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// EnvCommit is a commit that changed an environment's directories, as a
// history walk reads it: its metadata and the trees at its first parent
// and at the commit, both rooted at the repository root (the directory of
// promote.yaml).
type EnvCommit struct {
	Commit string
	// Parent is the first parent, empty for a root commit.
	Parent  string
	Author  string
	Email   string
	Date    time.Time
	Message string
	// MergedMessage is the message of the merged branch's tip (the second
	// parent) for a merge commit: the promotion commit, with its trailers.
	MergedMessage string
	// Merged is that second parent, empty for other commits.
	Merged string
	// Before is the tree at Parent (nil for a root commit); After the tree
	// at Commit.
	Before, After fs.FS
	// Apps are the apps whose directories changed; ignored without apps.
	Apps []string
}

// PullRequest is the pull or merge request a commit merged.
type PullRequest struct {
	Number int `json:"number"`
	// Ref is how the forge writes it: "#123" (GitHub) or "group/proj!45"
	// (GitLab).
	Ref string `json:"ref"`
}

// HistoryEntry is one commit that changed an environment's promotables.
type HistoryEntry struct {
	Commit string `json:"commit"`
	Parent string `json:"parent,omitempty"`
	Author string `json:"author"`
	Email  string `json:"email"`
	// Date is the committer date: when the change reached the branch.
	Date    time.Time    `json:"date"`
	Subject string       `json:"subject"`
	PR      *PullRequest `json:"pr,omitempty"`
	// From and SourceCommit come from Promote-From and
	// Promote-Source-Commit trailers; RollbackTo from Promote-Rollback-To.
	From         string `json:"from,omitempty"`
	SourceCommit string `json:"sourceCommit,omitempty"`
	RollbackTo   string `json:"rollbackTo,omitempty"`
	// Forced is the reason of a Promote-Forced trailer: the promotion
	// was proposed past gates that had not passed.
	Forced string `json:"forced,omitempty"`
	// Changes are the promotables before (Old) and after (New): New is
	// empty for an image or file removed, Old for one added.
	Changes []Change `json:"changes"`
	// Notes say what could not be read (a kustomization that did not
	// parse at that commit, for example).
	Notes []string `json:"notes,omitempty"`
}

// HistoryRequest selects a history.
type HistoryRequest struct {
	// Env is the environment.
	Env string
	// Apps restricts a monorepo's history to these apps; empty means all.
	Apps []string
	// Limit is the number of entries wanted; 0 means all.
	Limit int
	// Until, when set, ends the walk after the entry it returns true for.
	Until func(HistoryEntry) bool
}

// History reads, from commits (newest first, as a walk of the
// environment's directories yields them), the entries that changed the
// environment's promotables, up to req.Limit. It compares content, so
// it does not matter whether a change arrived by a merge commit, a squash
// or a rebase; commits that changed only other files are skipped. The
// current configuration is used for every commit.
func History(cfg *Config, req HistoryRequest, commits iter.Seq2[EnvCommit, error]) ([]HistoryEntry, error) {
	entries := []HistoryEntry{}
	for e, err := range HistoryEntries(cfg, req, commits) {
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// HistoryEntries is History as a stream: each entry is yielded as soon as
// the walk finds it and nothing is kept, so memory does not grow with the
// length of the history. An error ends the stream.
func HistoryEntries(cfg *Config, req HistoryRequest, commits iter.Seq2[EnvCommit, error]) iter.Seq2[HistoryEntry, error] {
	return func(yield func(HistoryEntry, error) bool) {
		env, err := cfg.Lookup(req.Env)
		if err != nil {
			yield(HistoryEntry{}, err)
			return
		}
		n := 0
		for c, err := range commits {
			if err != nil {
				yield(HistoryEntry{}, err)
				return
			}
			e := newEntry(c)
			e.Changes, e.Notes = commitChanges(cfg, env, req.Apps, c)
			if len(e.Changes) == 0 && len(e.Notes) == 0 {
				continue
			}
			n++
			if !yield(e, nil) || req.Limit > 0 && n == req.Limit || req.Until != nil && req.Until(e) {
				return
			}
		}
	}
}

// newEntry fills an entry's metadata from the commit and its messages.
func newEntry(c EnvCommit) HistoryEntry {
	m := ParseCommitMessage(c.Message)
	if c.MergedMessage != "" {
		merged := ParseCommitMessage(c.MergedMessage)
		m.From = firstOf(m.From, merged.From)
		m.SourceCommit = firstOf(m.SourceCommit, merged.SourceCommit)
		m.RollbackTo = firstOf(m.RollbackTo, merged.RollbackTo)
		m.Forced = firstOf(m.Forced, merged.Forced)
	}
	return HistoryEntry{
		Commit: c.Commit, Parent: c.Parent, Author: c.Author, Email: c.Email, Date: c.Date,
		Subject: m.Subject, PR: m.PR, From: m.From, SourceCommit: m.SourceCommit, RollbackTo: m.RollbackTo,
		Forced: m.Forced, Changes: []Change{},
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// commitChanges compares env's promotables before and after the commit,
// app by app. What cannot be read becomes a note.
func commitChanges(cfg *Config, env Environment, sel []string, c EnvCommit) ([]Change, []string) {
	apps := []string{""}
	if cfg.Apps != nil {
		apps = selected(c.Apps, sel)
	}
	var changes []Change
	var notes []string
	for _, app := range apps {
		before, err := snapshotAt(cfg, env, app, c.Before)
		if err == nil {
			var after *Snapshot
			if after, err = snapshotAt(cfg, env, app, c.After); err == nil {
				changes = append(changes, diffSnapshots(before, after)...)
				continue
			}
		}
		notes = append(notes, fmt.Sprintf("commit %s: %v", shortCommit(c.Commit), err))
	}
	sortChanges(changes)
	return changes, notes
}

// selected keeps the apps of changed that sel names (all when sel is
// empty).
func selected(changed, sel []string) []string {
	if len(sel) == 0 {
		return changed
	}
	var out []string
	for _, a := range changed {
		for _, s := range sel {
			if a == s {
				out = append(out, a)
			}
		}
	}
	return out
}

// snapshotAt reads a snapshot, nil when the tree or directory is absent.
func snapshotAt(cfg *Config, env Environment, app string, fsys fs.FS) (*Snapshot, error) {
	if fsys == nil {
		return nil, nil
	}
	s, err := ReadSnapshot(cfg, env, app, fsys)
	if errors.Is(err, ErrNoDir) {
		return nil, nil
	}
	return s, err
}

// CommitMeta is what a commit message says about the change it made.
type CommitMeta struct {
	// Subject is the first line.
	Subject string
	// PR is the pull or merge request, from a standard merge or squash
	// subject or a GitLab "See merge request" line.
	PR *PullRequest
	// From, To, SourceCommit, RollbackTo and Forced are the
	// Promote-From, Promote-To, Promote-Source-Commit, Promote-Rollback-To
	// and Promote-Forced trailers.
	From, To, SourceCommit, RollbackTo, Forced string
	// Images are the Promote-Image trailers: image name → the reference
	// the target runs after the commit.
	Images map[string]string
}

// requestRef is one way a forge writes, in the message of the commit
// that merged it, which pull or merge request that was: a row per way,
// the first that matches wins. re matches the subject, or the whole
// message when inMessage; its group num is the number and its group
// ref, when there is one, how the forge writes the reference ("#num"
// otherwise).
type requestRef struct {
	re        *regexp.Regexp
	inMessage bool
}

// requestRefs are GitHub's merge and squash subjects and GitLab's "See
// merge request" line.
var requestRefs = []requestRef{
	{re: regexp.MustCompile(`^Merge pull request #(?P<num>\d+) from `)},
	{re: regexp.MustCompile(`\(#(?P<num>\d+)\)$`)},
	{re: regexp.MustCompile(`(?m)^See merge request (?P<ref>\S*!(?P<num>\d+))\s*$`), inMessage: true},
}

var trailerLine = regexp.MustCompile(`(?m)^\s*(Promote-[A-Za-z-]+):[ \t]*(\S.*?)\s*$`)

// ParseCommitMessage reads the subject, the pull request number (GitHub
// "Merge pull request #123 from ..." and squash "title (#123)" subjects,
// GitLab "See merge request group/proj!45") and the Promote-* trailers of
// a commit message. The first occurrence of a trailer wins: a squash
// commit may list the trailers of several commits.
func ParseCommitMessage(msg string) CommitMeta {
	subject, _, _ := strings.Cut(strings.TrimLeft(msg, "\n"), "\n")
	m := CommitMeta{Subject: strings.TrimSpace(subject)}
	m.PR = findRequest(m.Subject, msg)
	for _, t := range trailerLine.FindAllStringSubmatch(msg, -1) {
		switch t[1] {
		case "Promote-From":
			m.From = firstOf(m.From, t[2])
		case "Promote-Source-Commit":
			m.SourceCommit = firstOf(m.SourceCommit, t[2])
		case "Promote-Rollback-To":
			m.RollbackTo = firstOf(m.RollbackTo, t[2])
		case "Promote-To":
			m.To = firstOf(m.To, t[2])
		case "Promote-Image":
			name, ref, ok := strings.Cut(t[2], "=")
			if _, seen := m.Images[name]; ok && !seen {
				if m.Images == nil {
					m.Images = map[string]string{}
				}
				m.Images[name] = ref
			}
		case "Promote-Forced":
			m.Forced = firstOf(m.Forced, t[2])
		}
	}
	return m
}

// findRequest finds the request a commit merged with the first row of
// requestRefs that matches.
func findRequest(subject, msg string) *PullRequest {
	for _, r := range requestRefs {
		text := subject
		if r.inMessage {
			text = msg
		}
		g := r.re.FindStringSubmatch(text)
		if g == nil {
			continue
		}
		num := g[r.re.SubexpIndex("num")]
		ref := "#" + num
		if i := r.re.SubexpIndex("ref"); i > 0 {
			ref = g[i]
		}
		return pullRequest(num, ref)
	}
	return nil
}

func pullRequest(number, ref string) *PullRequest {
	n, err := strconv.Atoi(number)
	if err != nil {
		return nil
	}
	return &PullRequest{Number: n, Ref: ref}
}

// EnvPatterns are the directories of env as slash patterns for a history
// walk: its path, or with apps the app template with "*" for the app (or
// one pattern per app of apps when given).
func (c *Config) EnvPatterns(env Environment, apps []string) []string {
	if c.Apps == nil {
		return []string{env.Path}
	}
	if len(apps) == 0 {
		apps = []string{"*"}
	}
	out := make([]string, len(apps))
	for i, app := range apps {
		out[i] = expandPath(c.Apps.Path, app, env.Name)
	}
	return out
}

// AppOfDir returns the app whose directory of env is dir ("" without
// apps), and false when dir is not one of env's directories.
func (c *Config) AppOfDir(env Environment, dir string) (string, bool) {
	if c.Apps == nil {
		return "", dir == env.Path
	}
	tmpl := strings.Split(strings.ReplaceAll(c.Apps.Path, "{env}", env.Name), "/")
	segs := strings.Split(dir, "/")
	if len(segs) != len(tmpl) {
		return "", false
	}
	app := ""
	for i, t := range tmpl {
		switch {
		case t == "{app}":
			app = segs[i]
		case t != segs[i]:
			return "", false
		}
	}
	return app, ValidEnvName(app)
}

// ExistsIn reports whether env has its directory (with apps: a directory
// for some app) in fsys; one that cannot be read counts as absent.
func (c *Config) ExistsIn(env Environment, fsys fs.FS) bool {
	if c.Apps == nil {
		ok, err := exists(fsys, env.Path)
		return ok && err == nil
	}
	apps, err := DiscoverApps(c, env, fsys)
	return err == nil && len(apps) > 0
}
