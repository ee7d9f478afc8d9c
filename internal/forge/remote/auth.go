package remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// Credentials say how git operations authenticate.
type Credentials struct {
	// Username goes with the token over HTTPS: x-access-token on
	// GitHub, oauth2 on GitLab.
	Username string
	// Token returns the token for HTTPS (it may be minted on demand,
	// as a GitHub App installation token is). Nil means anonymous.
	Token func(ctx context.Context) (string, error)
	// SSHKeyFile is a private key for ssh remotes; empty uses the SSH
	// agent (SSH_AUTH_SOCK) or the default keys in ~/.ssh.
	SSHKeyFile string
	// SSHKeyPassphrase unlocks SSHKeyFile.
	SSHKeyPassphrase string
	// Getenv reads SSH_AUTH_SOCK and HOME; nil uses os.Getenv.
	Getenv func(string) string
}

// defaultKeys are tried, in order, when there is no agent and no key file.
var defaultKeys = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// Auth returns the authentication for a git operation on loc.
func (c Credentials) Auth(ctx context.Context, loc Location) (transport.AuthMethod, error) {
	switch loc.Scheme {
	case "http", "https":
		if c.Token == nil {
			return nil, nil
		}
		tok, err := c.Token(ctx)
		if err != nil {
			return nil, err
		}
		return &githttp.BasicAuth{Username: c.Username, Password: tok}, nil
	case "ssh":
		return c.sshAuth(loc)
	}
	return nil, nil
}

func (c Credentials) getenv(k string) string {
	if c.Getenv != nil {
		return c.Getenv(k)
	}
	return os.Getenv(k)
}

// sshAuth picks the key file, then the agent, then a default key.
func (c Credentials) sshAuth(loc Location) (transport.AuthMethod, error) {
	user := loc.User
	if user == "" {
		user = gitssh.DefaultUsername
	}
	if c.SSHKeyFile != "" {
		auth, err := gitssh.NewPublicKeysFromFile(user, c.SSHKeyFile, c.SSHKeyPassphrase)
		if err != nil {
			return nil, fmt.Errorf("ssh key %s: %w", c.SSHKeyFile, err)
		}
		return auth, nil
	}
	if c.getenv("SSH_AUTH_SOCK") != "" {
		auth, err := gitssh.NewSSHAgentAuth(user)
		if err != nil {
			return nil, fmt.Errorf("ssh agent at SSH_AUTH_SOCK: %w", err)
		}
		return auth, nil
	}
	if home := c.getenv("HOME"); home != "" {
		for _, name := range defaultKeys {
			p := filepath.Join(home, ".ssh", name)
			if _, err := os.Stat(p); err == nil {
				return gitssh.NewPublicKeysFromFile(user, p, c.SSHKeyPassphrase)
			}
		}
	}
	return nil, errors.New("ssh remote: no SSH agent (SSH_AUTH_SOCK) and no key in ~/.ssh: pass --ssh-key FILE")
}
