package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gitops-promote/promote/internal/gitrepo"
	"github.com/gitops-promote/promote/promote"
)

// ErrExists is returned (wrapped with the file) when promote.yaml exists
// and Force is not set.
var ErrExists = errors.New("already exists")

// InitOptions are the inputs of Init.
type InitOptions struct {
	// Dir is the directory to scan and write promote.yaml into.
	Dir string
	// Envs is --envs: the pipeline in order.
	Envs []string
	// Force overwrites an existing promote.yaml.
	Force bool
	// DryRun writes nothing.
	DryRun bool
}

// InitResult says what Init found and wrote.
type InitResult struct {
	// File is the path of promote.yaml.
	File string `json:"file"`
	// Written is false for a dry run.
	Written bool `json:"written"`
	// Layout is what was detected.
	Layout *Layout `json:"layout"`
	// Config is the promote.yaml written (or that would be).
	Config string `json:"config"`
}

// Init detects the layout of the repository in opts.Dir, renders a
// promote.yaml, checks that it parses, and writes it unless one exists
// (or DryRun). Branch names come from the repository when there is one.
func Init(opts InitOptions) (*InitResult, error) {
	file := filepath.Join(opts.Dir, promote.ConfigFile)
	if _, err := os.Lstat(file); err == nil && !opts.Force && !opts.DryRun {
		return nil, fmt.Errorf("%s %w: edit it, or pass --force to replace it", file, ErrExists)
	}
	l, err := Detect(os.DirFS(opts.Dir), Options{Envs: opts.Envs, Branches: branches(opts.Dir)})
	if err != nil {
		return nil, err
	}
	data := l.YAML()
	if _, err := promote.ParseConfig(promote.ConfigFile, data); err != nil {
		return nil, fmt.Errorf("the detected configuration does not validate (pass --envs to choose the environments): %w", err)
	}
	res := &InitResult{File: file, Layout: l, Config: string(data)}
	if opts.DryRun {
		return res, nil
	}
	if err := write(file, data, opts.Force); err != nil {
		return nil, err
	}
	res.Written = true
	return res, nil
}

// branches lists the branches of the repository holding dir, none when
// there is no repository.
func branches(dir string) []string {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil
	}
	defer repo.Close()
	bs, _ := repo.Branches()
	return bs
}

// write creates file with data; without force it never replaces a file
// that appeared since the check.
func write(file string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(file, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s %w: edit it, or pass --force to replace it", file, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}
