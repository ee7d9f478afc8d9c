package gitrepo

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// logCommit commits everything in dir with message and returns its hash.
func logCommit(tb testing.TB, dir, msg string, files map[string]string) plumbing.Hash {
	tb.Helper()
	writeFiles(tb, dir, files)
	runGit(tb, dir, "add", "-A")
	runGit(tb, dir, "commit", "-q", "--allow-empty", "-m", msg)
	return revParse(tb, dir, "HEAD")
}

// historyRepo builds a main branch whose envs/prod and apps/*/overlays/prod
// change by direct commits, a merge commit, a squash merge and a
// fast-forward, interleaved with commits that touch only other paths.
func historyRepo(t *testing.T) string {
	t.Helper()
	isolateGit(t)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	logCommit(t, dir, "initial", map[string]string{
		"envs/prod/k.yaml":               "tag: 1.0\n",
		"envs/staging/k.yaml":            "tag: 1.0\n",
		"envs/production/k.yaml":         "tag: 1.0\n",
		"apps/a/overlays/prod/k.yaml":    "tag: 1\n",
		"apps/a-b/overlays/prod/k.yaml":  "tag: 1\n",
		"apps/b/overlays/prod/k.yaml":    "tag: 1\n",
		"apps/b/overlays/staging/k.yaml": "tag: 1\n",
		"README.md":                      "hi\n",
	})
	logCommit(t, dir, "staging 1.1", map[string]string{"envs/staging/k.yaml": "tag: 1.1\n", "apps/b/overlays/staging/k.yaml": "tag: 2\n"})
	logCommit(t, dir, "neighbour directory", map[string]string{"envs/production/k.yaml": "tag: 9\n"})
	logCommit(t, dir, "prod 1.1 directly", map[string]string{"envs/prod/k.yaml": "tag: 1.1\n"})

	runGit(t, dir, "checkout", "-q", "-b", "feature")
	logCommit(t, dir, "prod 1.2 on a branch", map[string]string{"envs/prod/k.yaml": "tag: 1.2\n", "apps/a-b/overlays/prod/k.yaml": "tag: 2\n"})
	runGit(t, dir, "checkout", "-q", "main")
	logCommit(t, dir, "readme", map[string]string{"README.md": "hello\n"})
	runGit(t, dir, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from acme/feature", "feature")

	runGit(t, dir, "checkout", "-q", "-b", "squashed")
	logCommit(t, dir, "one", map[string]string{"envs/prod/replicas.yaml": "replicas: 3\n"})
	logCommit(t, dir, "two", map[string]string{"apps/b/overlays/prod/k.yaml": "tag: 3\n", "apps/a/overlays/prod/k.yaml": "tag: 3\n"})
	runGit(t, dir, "checkout", "-q", "main")
	runGit(t, dir, "merge", "-q", "--squash", "squashed")
	runGit(t, dir, "commit", "-q", "-m", "replicas and apps (#8)")

	runGit(t, dir, "checkout", "-q", "-b", "rebased")
	logCommit(t, dir, "rebased one", map[string]string{"envs/prod/k.yaml": "tag: 1.3\n"})
	logCommit(t, dir, "rebased two: staging only", map[string]string{"envs/staging/k.yaml": "tag: 1.3\n"})
	runGit(t, dir, "checkout", "-q", "main")
	runGit(t, dir, "merge", "-q", "--ff-only", "rebased")

	if err := os.RemoveAll(filepath.Join(dir, "apps/a")); err != nil {
		t.Fatal(err)
	}
	logCommit(t, dir, "remove app a", nil)
	return dir
}

func pathLog(t *testing.T, r *Repo, tip plumbing.Hash, o LogOptions) []PathChange {
	t.Helper()
	var out []PathChange
	for c, err := range r.PathLog(tip, o) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func hashes(cs []PathChange) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Hash.String()
	}
	return out
}

func gitLines(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	out := runGit(t, dir, args...)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// TestPathLogMatchesGit compares the first-parent walk with git log
// --first-parent for a directory and for a pattern with a "*" segment.
func TestPathLogMatchesGit(t *testing.T) {
	dir := historyRepo(t)
	r := openRepo(t, dir)
	tip := revParse(t, dir, "main")
	for _, pat := range []string{"envs/prod", "apps/*/overlays/prod", "envs/staging", "README.md"} {
		got := hashes(pathLog(t, r, tip, LogOptions{Patterns: []string{pat}}))
		want := gitLines(t, dir, "log", "--first-parent", "--format=%H", "main", "--", ":(glob)"+pat, ":(glob)"+pat+"/**")
		if !slices.Equal(got, want) {
			t.Errorf("%s: PathLog gave\n%s\ngit log --first-parent gives\n%s", pat, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestPathLogReportsChangedPathsAndMetadata(t *testing.T) {
	dir := historyRepo(t)
	r := openRepo(t, dir)
	got := pathLog(t, r, revParse(t, dir, "main"), LogOptions{Patterns: []string{"apps/*/overlays/prod", "envs/prod"}})
	var lines []string
	for _, c := range got {
		lines = append(lines, strings.SplitN(c.Message, "\n", 2)[0]+": "+strings.Join(c.Paths, " "))
	}
	want := []string{
		"remove app a: apps/a/overlays/prod",
		"rebased one: envs/prod",
		"replicas and apps (#8): apps/a/overlays/prod apps/b/overlays/prod envs/prod",
		"Merge pull request #7 from acme/feature: apps/a-b/overlays/prod envs/prod",
		"prod 1.1 directly: envs/prod",
		"initial: apps/a-b/overlays/prod apps/a/overlays/prod apps/b/overlays/prod envs/prod",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	merge := got[3]
	if len(merge.Parents) != 2 || merge.Parent != merge.Parents[0] || merge.Author.Email != "test@example.com" || merge.Committer.When.IsZero() {
		t.Errorf("merge commit metadata: parent %s, parents %v, author %+v", merge.Parent, merge.Parents, merge.Author)
	}
	if root := got[len(got)-1]; !root.Parent.IsZero() || len(root.Parents) != 0 {
		t.Errorf("root commit has parent %s", root.Parent)
	}
}

func TestPathLogStopsWhenTheCallerStops(t *testing.T) {
	dir := historyRepo(t)
	r := openRepo(t, dir)
	n := 0
	for _, err := range r.PathLog(revParse(t, dir, "main"), LogOptions{Patterns: []string{"envs/prod"}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("visited %d commits, want 2", n)
	}
}

// TestPathLogAllParents reports the side branches' commits instead of the
// merges that brought them in.
func TestPathLogAllParents(t *testing.T) {
	dir := historyRepo(t)
	r := openRepo(t, dir)
	got := pathLog(t, r, revParse(t, dir, "main"), LogOptions{Patterns: []string{"envs/prod"}, AllParents: true})
	var subjects []string
	for _, c := range got {
		subjects = append(subjects, strings.SplitN(c.Message, "\n", 2)[0])
	}
	want := []string{"rebased one", "replicas and apps (#8)", "prod 1.2 on a branch", "prod 1.1 directly", "initial"}
	if !slices.Equal(subjects, want) {
		t.Errorf("got %q, want %q", subjects, want)
	}
}

// TestPathLogEvilMerge reports a merge whose result under the path is in
// neither parent, also with AllParents.
func TestPathLogEvilMerge(t *testing.T) {
	isolateGit(t)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	logCommit(t, dir, "initial", map[string]string{"envs/prod/k.yaml": "tag: 1\n"})
	runGit(t, dir, "checkout", "-q", "-b", "side")
	logCommit(t, dir, "side", map[string]string{"envs/prod/k.yaml": "tag: 2\n"})
	runGit(t, dir, "checkout", "-q", "main")
	logCommit(t, dir, "main", map[string]string{"envs/prod/k.yaml": "tag: 3\n"})
	if _, err := gitErr(dir, "merge", "-q", "side"); err == nil {
		t.Fatal("expected a conflict")
	}
	logCommit(t, dir, "resolve", map[string]string{"envs/prod/k.yaml": "tag: 4\n"})
	r := openRepo(t, dir)
	got := pathLog(t, r, revParse(t, dir, "main"), LogOptions{Patterns: []string{"envs/prod"}, AllParents: true})
	if len(got) != 4 || !strings.HasPrefix(got[0].Message, "resolve") {
		t.Errorf("got %d commits, first %q; want 4 starting with the merge", len(got), got[0].Message)
	}
}

// TestPathLogShallow ends at the shallow boundary without an error.
func TestPathLogShallow(t *testing.T) {
	dir := historyRepo(t)
	clone := filepath.Join(t.TempDir(), "shallow")
	runGit(t, dir, "clone", "-q", "--depth", "3", "--branch", "main", "file://"+dir, clone)
	r := openRepo(t, clone)
	tip := revParse(t, clone, "main")
	got := hashes(pathLog(t, r, tip, LogOptions{Patterns: []string{"envs/prod", "apps/*/overlays/prod"}}))
	full := gitLines(t, dir, "log", "--first-parent", "--format=%H", "main", "--", "envs/prod", ":(glob)apps/*/overlays/prod/**")
	boundary := gitLines(t, clone, "rev-list", "--max-count=1", "--skip=2", "--first-parent", "main")[0]
	if len(got) == 0 || !slices.Equal(got, full[:len(got)]) || slices.Contains(got, boundary) {
		t.Errorf("shallow walk gave %v; want a prefix of %v without the boundary %s", got, full, boundary)
	}
}

func TestPathLogBadTip(t *testing.T) {
	dir := historyRepo(t)
	r := openRepo(t, dir)
	var err error
	for _, e := range r.PathLog(plumbing.NewHash("0123456789012345678901234567890123456789"), LogOptions{Patterns: []string{"envs/prod"}}) {
		err = e
	}
	if err == nil || !strings.Contains(err.Error(), "0123456789012345678901234567890123456789") {
		t.Errorf("unknown tip: error %v, want one naming the commit", err)
	}
}
