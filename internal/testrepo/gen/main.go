// Command gen writes a generated GitOps monorepo for benchmarks and the
// comparison script:
//
//	go run ./internal/testrepo/gen -apps 1000 -ahead 1 -git DIR
//	go run ./internal/testrepo/gen -apps 1000 -plain -git DIR    (hand-written style)
//	go run ./internal/testrepo/gen -apps 200 -history 5000 DIR   (a bare repository)
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gitops-promote/promote/internal/testrepo"
)

func main() {
	apps := flag.Int("apps", 100, "number of apps")
	ahead := flag.Float64("ahead", 1, "fraction of apps whose staging is ahead of prod")
	seed := flag.Uint64("seed", 1, "random seed")
	plain := flag.Bool("plain", false, "write overlays in a hand-written style: two images, one tag quoted, a namespace and labels")
	withGit := flag.Bool("git", false, "also make the directory a Git repository with one commit on main")
	history := flag.Int("history", 0, "instead, make DIR a bare repository with this many commits of history on main")
	prodEvery := flag.Int("prod-every", 250, "with -history, every n-th commit promotes an app to prod")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: gen [flags] DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *history > 0 {
		stats, err := testrepo.InitHistory(flag.Arg(0), testrepo.HistoryOptions{Apps: *apps, Commits: *history, ProdEvery: *prodEvery, Seed: *seed})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%d commits, %d changes to prod\n", stats.Commits, stats.ProdChanges)
		return
	}
	files := testrepo.Files(testrepo.Options{Apps: *apps, Ahead: *ahead, Seed: *seed, Plain: *plain})
	var err error
	if *withGit {
		_, err = testrepo.InitGit(flag.Arg(0), files)
	} else {
		err = testrepo.Write(flag.Arg(0), files)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}
