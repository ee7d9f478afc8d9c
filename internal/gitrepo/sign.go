package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Signature formats, as gpg.format names them.
const (
	FormatOpenPGP = "openpgp"
	FormatSSH     = "ssh"
	FormatX509    = "x509"
)

// ErrSign is returned (wrapped with what failed) when a commit cannot be
// signed: nothing is written then.
var ErrSign = errors.New("sign commit")

// SignMode says whether commits are signed.
type SignMode int

const (
	// SignAuto follows git's commit.gpgsign.
	SignAuto SignMode = iota
	// SignAlways signs every commit (--sign).
	SignAlways
	// SignNever signs no commit (--no-sign).
	SignNever
)

// SignOptions override git's configuration for signing: the command
// line's --sign, --no-sign and --sign-key.
type SignOptions struct {
	Mode SignMode
	// Key replaces user.signingKey; it implies SignAlways unless Mode is
	// SignNever.
	Key string
}

// Signer signs a commit's payload (the commit object without its gpgsig
// header) and returns the detached signature, armored.
type Signer interface {
	Sign(payload []byte) ([]byte, error)
}

// SignConfig is what git's configuration says about signing commits.
type SignConfig struct {
	// Sign is commit.gpgsign.
	Sign bool
	// Format is gpg.format: openpgp (default), ssh or x509.
	Format string
	// Key is user.signingKey: a key id, a key file, or "key::" and a
	// literal SSH public key.
	Key string
	// Program is gpg.<format>.program (gpg.program for openpgp), default
	// gpg, ssh-keygen or gpgsm.
	Program string
	// DefaultKeyCommand is gpg.ssh.defaultKeyCommand.
	DefaultKeyCommand string
	// AllowedSigners is gpg.ssh.allowedSignersFile, for verifying.
	AllowedSigners string
}

// SigningConfig reads the signing settings of git's configuration
// (GIT_CONFIG_COUNT entries, repository, global, XDG and system files).
func (r *Repo) SigningConfig() (SignConfig, error) {
	gc := r.loadConfig()
	sc := SignConfig{Format: FormatOpenPGP}
	sc.Sign, _ = gc.bool("commit.gpgsign")
	if f, ok := gc.get("gpg.format"); ok && f != "" {
		sc.Format = strings.ToLower(f)
	}
	sc.Key, _ = gc.get("user.signingKey")
	switch sc.Format {
	case FormatOpenPGP:
		sc.Program = firstNonEmpty(configValue(gc, "gpg.openpgp.program"), configValue(gc, "gpg.program"), "gpg")
	case FormatSSH:
		sc.Program = firstNonEmpty(configValue(gc, "gpg.ssh.program"), "ssh-keygen")
		sc.DefaultKeyCommand = configValue(gc, "gpg.ssh.defaultKeyCommand")
		sc.AllowedSigners = expandHome(configValue(gc, "gpg.ssh.allowedSignersFile"))
	case FormatX509:
		sc.Program = firstNonEmpty(configValue(gc, "gpg.x509.program"), "gpgsm")
	default:
		return sc, fmt.Errorf("git config gpg.format %q: expected openpgp, ssh or x509", sc.Format)
	}
	return sc, nil
}

func configValue(gc gitConfig, key string) string {
	v, _ := gc.get(key)
	return v
}

// SetSigning sets how CommitFiles signs commits; by default it follows
// git's configuration (SignAuto).
func (r *Repo) SetSigning(o SignOptions) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sign = o
	r.signer, r.signerErr, r.signerSet = nil, nil, false
}

// commitSigner returns the signer for new commits, nil when commits are
// not signed; it reads git's configuration once.
func (r *Repo) commitSigner(committer Signature) (Signer, error) {
	r.mu.Lock()
	if r.signerSet {
		s, err := r.signer, r.signerErr
		r.mu.Unlock()
		return s, err
	}
	o := r.sign
	r.mu.Unlock()
	s, err := r.configuredSigner(o, committer)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.signer, r.signerErr, r.signerSet = s, err, true
	return s, err
}

// configuredSigner builds the signer git's configuration and o ask for.
func (r *Repo) configuredSigner(o SignOptions, committer Signature) (Signer, error) {
	if o.Mode == SignNever {
		return nil, nil
	}
	sc, err := r.SigningConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSign, err)
	}
	if o.Key != "" {
		sc.Key = o.Key
	}
	if !sc.Sign && o.Mode != SignAlways && o.Key == "" {
		return nil, nil
	}
	return NewSigner(sc, committer)
}

// NewSigner returns the signer for sc. An OpenPGP or X.509 signer without
// a key signs as the committer ("Name <email>"), as git does; an SSH
// signer without a key runs gpg.ssh.defaultKeyCommand.
func NewSigner(sc SignConfig, committer Signature) (Signer, error) {
	switch sc.Format {
	case FormatOpenPGP, FormatX509, "":
		key := sc.Key
		if key == "" {
			key = fmt.Sprintf("%s <%s>", committer.Name, committer.Email)
		}
		program := sc.Program
		if program == "" {
			program = map[string]string{FormatX509: "gpgsm"}[sc.Format]
			program = firstNonEmpty(program, "gpg")
		}
		return gpgSigner{program: program, key: key}, nil
	case FormatSSH:
		key := sc.Key
		if key == "" {
			k, err := defaultSSHKey(sc.DefaultKeyCommand)
			if err != nil {
				return nil, err
			}
			key = k
		}
		return sshSigner{program: firstNonEmpty(sc.Program, "ssh-keygen"), key: key}, nil
	}
	return nil, fmt.Errorf("%w: gpg.format %q: expected openpgp, ssh or x509", ErrSign, sc.Format)
}

// gpgSigner signs like git with gpg or gpgsm:
// `PROGRAM --status-fd=2 -bsau KEY`, the payload on stdin, the signature
// on stdout, success only with a SIG_CREATED status line.
type gpgSigner struct{ program, key string }

func (s gpgSigner) Sign(payload []byte) ([]byte, error) {
	cmd := exec.Command(s.program, "--status-fd=2", "-bsau", s.key)
	cmd.Stdin = bytes.NewReader(payload)
	var out, status bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &status
	err := cmd.Run()
	if err == nil && !hasStatusLine(status.String(), "[GNUPG:] SIG_CREATED ") {
		err = errors.New("no SIG_CREATED status")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s failed to sign the data with key %q: %w%s", ErrSign, s.program, s.key, err, programOutput(status.String()))
	}
	return removeCR(out.Bytes()), nil
}

// hasStatusLine reports whether a line of status starts with prefix.
func hasStatusLine(status, prefix string) bool {
	return strings.HasPrefix(status, prefix) || strings.Contains(status, "\n"+prefix)
}

// sshSigner signs like git with ssh-keygen:
// `PROGRAM -Y sign -n git -f KEYFILE [-U] BUFFERFILE`, the signature read
// from BUFFERFILE.sig. A literal key ("key::ssh-ed25519 AAAA...", or one
// starting with "ssh-") is written to a temporary file and used from the
// agent (-U).
type sshSigner struct{ program, key string }

func (s sshSigner) Sign(payload []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "promote-sign-")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSign, err)
	}
	defer os.RemoveAll(dir)
	keyFile, literal := expandHome(s.key), false
	if lit, ok := literalSSHKey(s.key); ok {
		literal, keyFile = true, filepath.Join(dir, ".git_signing_key_tmp")
		if err := os.WriteFile(keyFile, []byte(lit), 0o600); err != nil {
			return nil, fmt.Errorf("%w: write the literal key: %w", ErrSign, err)
		}
	}
	buffer := filepath.Join(dir, ".git_signing_buffer_tmp")
	if err := os.WriteFile(buffer, payload, 0o600); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSign, err)
	}
	args := []string{"-Y", "sign", "-n", "git", "-f", keyFile}
	if literal {
		args = append(args, "-U")
	}
	cmd := exec.Command(s.program, append(args, buffer)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "usage:") {
			return nil, fmt.Errorf("%w: ssh-keygen -Y sign is needed for ssh signing (available in openssh version 8.2p1+)", ErrSign)
		}
		return nil, fmt.Errorf("%w: %s -Y sign with %s: %w%s", ErrSign, s.program, displayKey(s.key), err, programOutput(stderr.String()))
	}
	sig, err := os.ReadFile(buffer + ".sig")
	if err != nil {
		return nil, fmt.Errorf("%w: %s wrote no signature: %w", ErrSign, s.program, err)
	}
	return removeCR(sig), nil
}

// literalSSHKey returns the public key of a "key::" value, or of a
// value starting with "ssh-" (git's older literal form).
func literalSSHKey(key string) (string, bool) {
	if k, ok := strings.CutPrefix(key, "key::"); ok {
		return k, true
	}
	if strings.HasPrefix(key, "ssh-") {
		return key, true
	}
	return "", false
}

// displayKey names a key in messages: a file path, or the type of a
// literal key.
func displayKey(key string) string {
	if lit, ok := literalSSHKey(key); ok {
		typ, _, _ := strings.Cut(lit, " ")
		return "the literal " + typ + " key"
	}
	return "key " + key
}

// defaultSSHKey runs gpg.ssh.defaultKeyCommand (through the shell, as
// git does) and returns the first line of its output, which must be a
// literal key.
func defaultSSHKey(command string) (string, error) {
	if command == "" {
		return "", fmt.Errorf("%w: either user.signingKey or gpg.ssh.defaultKeyCommand needs to be configured", ErrSign)
	}
	out, err := exec.Command("sh", "-c", command).Output()
	if err != nil {
		return "", fmt.Errorf("%w: gpg.ssh.defaultKeyCommand failed: %w", ErrSign, err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	line = strings.TrimSpace(line)
	if _, ok := literalSSHKey(line); !ok {
		return "", fmt.Errorf("%w: gpg.ssh.defaultKeyCommand returned no key (%q)", ErrSign, line)
	}
	return line, nil
}

// removeCR drops carriage returns before newlines, as git does with
// signatures.
func removeCR(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// programOutput formats a program's diagnostics for an error: its last
// lines, without status lines.
func programOutput(s string) string {
	var keep []string
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "[GNUPG:]") {
			keep = append(keep, line)
		}
	}
	if len(keep) > 4 {
		keep = keep[len(keep)-4:]
	}
	if len(keep) == 0 {
		return ""
	}
	return ": " + strings.Join(keep, "; ")
}
