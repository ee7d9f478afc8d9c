package testrepo

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// HistoryOptions shape a generated history.
type HistoryOptions struct {
	// Apps is the number of apps of the monorepo.
	Apps int
	// Commits is the number of commits on main after the initial one.
	Commits int
	// ProdEvery makes every ProdEvery-th commit a promotion of one app from
	// staging to prod: alternately the merge commit of a promotion branch
	// ("Merge pull request #N from ...") and a squash ("... (#N)" with the
	// Promote-* trailers in its body). Of the other commits about three in
	// four bump an app's dev tags, most of the rest promote an app from dev
	// to staging, and one in fifty edits a prod overlay without changing
	// its images.
	ProdEvery int
	// Seed makes the output reproducible.
	Seed uint64
}

// HistoryStats say what a generated history holds.
type HistoryStats struct {
	// Commits is the number of commits on main's first-parent chain.
	Commits int
	// ProdChanges is the number of those commits that changed the images
	// of some prod overlay, the initial commit included.
	ProdChanges int
}

// historyApp is the state of one app while a history is generated.
type historyApp struct {
	name   string
	images []string
	minor  map[string]int
	edits  int // prod overlay edits that are not image changes
}

func (a *historyApp) overlay(env string) string {
	s := string(overlay(a.name, env, a.images, a.minor[env]))
	if env == "prod" && a.edits > 0 {
		s += fmt.Sprintf("# reviewed %d times\n", a.edits)
	}
	return s
}

func (a *historyApp) overlayPath(env string) string {
	return "apps/" + a.name + "/overlays/" + env + "/kustomization.yaml"
}

// historyWriter writes a git fast-import stream.
type historyWriter struct {
	w     *bufio.Writer
	mark  int
	main  int // mark of main's tip
	when  int64
	stats HistoryStats
}

// WriteHistory writes a git fast-import stream (see git-fast-import(1))
// that builds branch main of a monorepo laid out like Files: an initial
// commit, then o.Commits commits as HistoryOptions describes, one minute
// apart. Output is deterministic for a seed.
func WriteHistory(w io.Writer, o HistoryOptions) (HistoryStats, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x51ed270b27))
	hw := &historyWriter{w: bufio.NewWriter(w), when: 1_700_000_000}
	apps := make([]*historyApp, o.Apps)
	files := map[string]string{"promote.yaml": Config}
	for i := range apps {
		apps[i] = newHistoryApp(rng, AppName(i))
		addHistoryApp(files, apps[i])
	}
	hw.commit("refs/heads/main", "initial: generated monorepo", 0, files)
	hw.stats.ProdChanges = 1
	promotions := 0
	for i := 1; i <= o.Commits; i++ {
		app := apps[rng.IntN(len(apps))]
		if o.ProdEvery > 0 && i%o.ProdEvery == 0 {
			promotions++
			hw.promote(app, promotions)
			continue
		}
		hw.step(rng, app)
	}
	if err := hw.w.Flush(); err != nil {
		return HistoryStats{}, err
	}
	return hw.stats, nil
}

func newHistoryApp(rng *rand.Rand, name string) *historyApp {
	a := &historyApp{name: name, minor: map[string]int{}}
	for j := range 1 + rng.IntN(3) {
		a.images = append(a.images, fmt.Sprintf("registry.example.com/team-%d/%s-%c", rng.IntN(20), name, 'a'+j))
	}
	m := rng.IntN(40)
	a.minor["dev"], a.minor["staging"], a.minor["prod"] = m+1, m, m
	return a
}

func addHistoryApp(files map[string]string, a *historyApp) {
	base := "apps/" + a.name + "/base/"
	files[base+"kustomization.yaml"] = "# base for " + a.name + "\nresources:\n  - deployment.yaml\n"
	files[base+"deployment.yaml"] = string(deployment(a.name, a.images))
	for _, env := range Envs {
		files[a.overlayPath(env)] = a.overlay(env)
	}
}

// step writes a commit that is not a promotion to prod.
func (hw *historyWriter) step(rng *rand.Rand, a *historyApp) {
	switch r := rng.IntN(100); {
	case r < 2:
		a.edits++
		hw.commit("refs/heads/main", "prod: review "+a.name, hw.main, map[string]string{a.overlayPath("prod"): a.overlay("prod")})
	case r < 25:
		if a.minor["staging"] == a.minor["dev"] {
			a.minor["dev"]++
		}
		a.minor["staging"] = a.minor["dev"]
		hw.commit("refs/heads/main", fmt.Sprintf("promote(staging): %s 1.%d", a.name, a.minor["staging"]), hw.main, map[string]string{
			a.overlayPath("dev"): a.overlay("dev"), a.overlayPath("staging"): a.overlay("staging"),
		})
	default:
		a.minor["dev"]++
		hw.commit("refs/heads/main", fmt.Sprintf("ci: %s 1.%d in dev", a.name, a.minor["dev"]), hw.main, map[string]string{a.overlayPath("dev"): a.overlay("dev")})
	}
}

// promote writes the promotion of a from staging to prod as the n'th pull
// request: a merge commit when n is odd, a squash when it is even.
func (hw *historyWriter) promote(a *historyApp, n int) {
	if a.minor["staging"] == a.minor["prod"] {
		a.minor["staging"]++
	}
	a.minor["prod"] = a.minor["staging"]
	title := fmt.Sprintf("promote(prod): %s 1.%d", a.name, a.minor["prod"])
	trailers := fmt.Sprintf("Promote-From: staging\nPromote-To: prod\nPromote-App: %s\n", a.name)
	files := map[string]string{a.overlayPath("staging"): a.overlay("staging"), a.overlayPath("prod"): a.overlay("prod")}
	hw.stats.ProdChanges++
	if n%2 == 0 {
		hw.commit("refs/heads/main", fmt.Sprintf("%s (#%d)\n\n%s", title, n, trailers), hw.main, files)
		return
	}
	branch := "refs/heads/promote/" + a.name + "/staging-to-prod"
	side := hw.commit(branch, title+"\n\n"+trailers, hw.main, files)
	hw.merge(fmt.Sprintf("Merge pull request #%d from acme/promote/%s/staging-to-prod\n\n%s", n, a.name, title), side, files)
}

// commit writes a commit on ref with parent (a mark, 0 for none) and the
// files set, and returns its mark.
func (hw *historyWriter) commit(ref, msg string, parent int, files map[string]string) int {
	return hw.write(ref, msg, parent, 0, files)
}

// merge writes a merge of side into main.
func (hw *historyWriter) merge(msg string, side int, files map[string]string) {
	hw.write("refs/heads/main", msg, hw.main, side, files)
}

func (hw *historyWriter) write(ref, msg string, parent, merged int, files map[string]string) int {
	hw.mark++
	hw.when += 60
	fmt.Fprintf(hw.w, "commit %s\nmark :%d\n", ref, hw.mark)
	fmt.Fprintf(hw.w, "author Generator <gen@example.com> %d +0000\ncommitter Generator <gen@example.com> %d +0000\n", hw.when, hw.when)
	fmt.Fprintf(hw.w, "data %d\n%s\n", len(msg)+1, msg)
	if parent > 0 {
		fmt.Fprintf(hw.w, "from :%d\n", parent)
	}
	if merged > 0 {
		fmt.Fprintf(hw.w, "merge :%d\n", merged)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(hw.w, "M 100644 inline %s\ndata %d\n%s\n", name, len(files[name]), files[name])
	}
	hw.w.WriteString("\n")
	if ref == "refs/heads/main" {
		hw.main = hw.mark
		hw.stats.Commits++
	}
	return hw.mark
}

// InitHistory makes dir a bare repository holding the generated history
// on main (and the merged promotion branches), by piping WriteHistory
// into git fast-import: the git binary must be installed. For tests and
// benchmarks.
func InitHistory(dir string, o HistoryOptions) (HistoryStats, error) {
	var stream bytes.Buffer
	stats, err := WriteHistory(&stream, o)
	if err != nil {
		return stats, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return stats, err
	}
	if err := gitCmd(dir, nil, "init", "-q", "--bare", "--initial-branch=main"); err != nil {
		return stats, err
	}
	return stats, gitCmd(dir, &stream, "fast-import", "--quiet")
}

func gitCmd(dir string, stdin io.Reader, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}
