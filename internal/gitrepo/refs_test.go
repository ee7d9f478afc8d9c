package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestSetRef(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	c1 := revParse(t, dir, "HEAD~1")
	c2 := revParse(t, dir, "HEAD")
	const name = "refs/heads/promote/x"

	if _, ok, err := r.Ref(name); ok || err != nil {
		t.Fatalf("Ref(%s) before creation = %v, %v", name, ok, err)
	}
	if err := r.SetRef(name, c1, plumbing.ZeroHash); err != nil {
		t.Fatalf("create: %v", err)
	}
	if got := revParse(t, dir, name); got != c1 {
		t.Fatalf("git rev-parse %s = %s, want %s", name, got, c1)
	}

	err := r.SetRef(name, c2, plumbing.ZeroHash)
	if !errors.Is(err, ErrRefChanged) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), c1.String()) {
		t.Errorf("create over existing error = %v, want ErrRefChanged naming %s and %s", err, name, c1)
	}
	if err := r.SetRef(name, c1, c2); !errors.Is(err, ErrRefChanged) {
		t.Errorf("stale old error = %v, want ErrRefChanged", err)
	}
	if err := r.SetRef("refs/heads/promote/absent", c1, c2); !errors.Is(err, ErrRefChanged) || !strings.Contains(err.Error(), "found no reference") {
		t.Errorf("old on absent ref error = %v, want ErrRefChanged found no reference", err)
	}
	if got := revParse(t, dir, name); got != c1 {
		t.Fatalf("refused updates moved %s to %s", name, got)
	}

	if err := r.SetRef(name, c2, c1); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := revParse(t, dir, name); got != c2 {
		t.Errorf("git rev-parse %s = %s, want %s", name, got, c2)
	}
	if h, ok, err := r.Ref(name); err != nil || !ok || h != c2 {
		t.Errorf("Ref(%s) = %s, %v, %v", name, h, ok, err)
	}

	for _, bad := range []string{"HEAD", "main", "refs/heads/bad..name", "refs/heads/x.lock/"} {
		if err := r.SetRef(bad, c1, plumbing.ZeroHash); err == nil {
			t.Errorf("SetRef(%q) accepted", bad)
		}
	}
	if got := revParse(t, dir, "HEAD"); got != c2 {
		t.Errorf("HEAD moved to %s", got)
	}
}

func TestSetRefPacked(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	c1 := revParse(t, dir, "HEAD~1")
	c2 := revParse(t, dir, "HEAD")
	const name = "refs/heads/promote/packed"
	runGit(t, dir, "update-ref", name, c1.String())
	runGit(t, dir, "pack-refs", "--all")
	loose := filepath.Join(dir, ".git", filepath.FromSlash(name))

	if err := r.SetRef(name, c2, c2); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("stale old on packed ref error = %v", err)
	}
	if _, err := os.Stat(loose); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused update left a loose ref file: %v", err)
	}
	if err := r.SetRef(name, c2, c1); err != nil {
		t.Fatalf("update packed ref: %v", err)
	}
	if got := revParse(t, dir, name); got != c2 {
		t.Errorf("git rev-parse %s = %s, want %s", name, got, c2)
	}
	if out, err := gitErr(dir, "for-each-ref"); err != nil || strings.Contains(out, "warning") {
		t.Errorf("for-each-ref: %v %s", err, out)
	}
}

func TestDeleteRef(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	c1 := revParse(t, dir, "HEAD~1")
	c2 := revParse(t, dir, "HEAD")
	for _, packed := range []bool{false, true} {
		name := fmt.Sprintf("refs/heads/promote/del-%v", packed)
		runGit(t, dir, "update-ref", name, c1.String())
		if packed {
			runGit(t, dir, "pack-refs", "--all")
		}
		if err := r.DeleteRef(name, c2); !errors.Is(err, ErrRefChanged) {
			t.Errorf("DeleteRef stale error = %v, want ErrRefChanged", err)
		}
		if err := r.DeleteRef(name, c1); err != nil {
			t.Fatalf("DeleteRef: %v", err)
		}
		if _, err := gitErr(dir, "rev-parse", "--verify", "-q", name); err == nil {
			t.Errorf("%s still exists", name)
		}
		if err := r.DeleteRef(name, c1); !errors.Is(err, ErrRefChanged) {
			t.Errorf("DeleteRef of missing ref error = %v, want ErrRefChanged", err)
		}
	}
	if err := r.DeleteRef("HEAD", c2); err == nil {
		t.Error("DeleteRef(HEAD) accepted")
	}
}

func TestSetRefConcurrent(t *testing.T) {
	dir := newTestRepo(t)
	r := openRepo(t, dir)
	parent := revParse(t, dir, "HEAD")
	const name = "refs/heads/promote/race"
	const workers = 8

	commits := make([]plumbing.Hash, workers)
	for i := range commits {
		c, err := r.CommitFiles(parent, []FileChange{{Path: "n.txt", Data: fmt.Append(nil, i)}}, "race", testSig)
		if err != nil {
			t.Fatal(err)
		}
		commits[i] = c
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		wg.Go(func() { errs[i] = r.SetRef(name, commits[i], plumbing.ZeroHash) })
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
			if got := revParse(t, dir, name); got != commits[i] {
				t.Errorf("winner %d set %s but ref is %s", i, commits[i], got)
			}
		case !errors.Is(err, ErrRefChanged):
			t.Errorf("worker %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d creations succeeded, want exactly 1", won)
	}
}
