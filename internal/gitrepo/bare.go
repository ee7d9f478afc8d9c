package gitrepo

import (
	"errors"
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// EnsureBare makes dir a bare repository whose origin remote is url:
// it creates the repository when there is none (objects are fetched
// later, on demand) and points origin at url when it names another.
func EnsureBare(dir, url string) error {
	r, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if r, err = git.PlainInit(dir, true); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	if err := setOrigin(r, url); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// setOrigin points origin at url.
func setOrigin(r *git.Repository, url string) error {
	rem, err := r.Remote("origin")
	if err == nil && len(rem.Config().URLs) == 1 && rem.Config().URLs[0] == url {
		return nil
	}
	if err == nil {
		if err := r.DeleteRemote("origin"); err != nil {
			return err
		}
	}
	_, err = r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	return err
}
