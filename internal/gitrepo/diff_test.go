package gitrepo

import (
	"fmt"
	"strings"
	"testing"
)

func TestChangedFiles(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	parent := revParse(t, dir, "HEAD")
	commit, err := r.CommitFiles(parent, []FileChange{
		{Path: "apps/a/deploy.yaml", Data: []byte("kind: Job\n")},
		{Path: "apps/c/config.yaml", Delete: true},
		{Path: "new/dir/run.sh", Data: []byte("#!/bin/sh\n"), Executable: true},
	}, "change\n", testSig)
	if err != nil {
		t.Fatal(err)
	}
	gotParent, changes, err := r.ChangedFiles(commit)
	if err != nil || gotParent != parent {
		t.Fatalf("parent %s, %v; want %s", gotParent, err, parent)
	}
	var got []string
	for _, c := range changes {
		got = append(got, fmt.Sprintf("%s delete=%v exec=%v %q", c.Path, c.Delete, c.Executable, c.Data))
	}
	want := []string{
		`apps/a/deploy.yaml delete=false exec=false "kind: Job\n"`,
		`apps/c/config.yaml delete=true exec=false ""`,
		`new/dir/run.sh delete=false exec=true "#!/bin/sh\n"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Re-applying the changes to the parent gives the same tree.
	again, err := r.CommitFiles(parent, changes, "again\n", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := runGit(t, dir, "rev-parse", again.String()+"^{tree}"), runGit(t, dir, "rev-parse", commit.String()+"^{tree}"); a != b {
		t.Errorf("trees differ: %s, %s", a, b)
	}
}
