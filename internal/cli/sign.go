package cli

import (
	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/gitrepo"
)

// signFlags are the global --sign, --no-sign and --sign-key flags.
type signFlags struct {
	sign, noSign bool
	key          string
}

func (s *signFlags) register(root *cobra.Command) {
	fl := root.PersistentFlags()
	fl.BoolVar(&s.sign, "sign", false, "sign the commits promote writes even without git's commit.gpgsign (with gpg.format, user.signingKey, gpg.program...)")
	fl.BoolVar(&s.noSign, "no-sign", false, "do not sign commits, whatever git's commit.gpgsign says")
	fl.StringVar(&s.key, "sign-key", "", "sign with `KEY` (a key id, an SSH key file or key::PUBLIC-KEY) instead of user.signingKey; implies --sign")
	root.MarkFlagsMutuallyExclusive("sign", "no-sign")
	root.MarkFlagsMutuallyExclusive("sign-key", "no-sign")
}

// options turns the flags into the repository's signing options.
func (s *signFlags) options() gitrepo.SignOptions {
	o := gitrepo.SignOptions{Key: s.key}
	switch {
	case s.noSign:
		o.Mode = gitrepo.SignNever
	case s.sign || s.key != "":
		o.Mode = gitrepo.SignAlways
	}
	return o
}
