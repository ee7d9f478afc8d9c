package gitrepo

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// SignatureStatus is what checking a commit's signature found.
type SignatureStatus struct {
	// Signed is true when the commit has a gpgsig header.
	Signed bool `json:"signed"`
	// Good is true when the signature verifies against a trusted key
	// (git verify-commit would succeed).
	Good bool `json:"good"`
	// Format is openpgp, ssh or x509; empty when unsigned.
	Format string `json:"format,omitempty"`
	// Signer is the principal (ssh) or user id (openpgp, x509) of a good
	// signature.
	Signer string `json:"signer,omitempty"`
	// Reason says why a signature is not good.
	Reason string `json:"reason,omitempty"`
}

// VerifyCommit checks the signature of commit the way git verify-commit
// does, with the programs and trust git's configuration names: gpg (or
// gpg.program) and its keyring for OpenPGP, gpgsm for X.509, ssh-keygen
// with gpg.ssh.allowedSignersFile for SSH. An unsigned commit is not an
// error: Signed is false.
func (r *Repo) VerifyCommit(commit plumbing.Hash) (SignatureStatus, error) {
	r.mu.Lock()
	c, err := r.commitObject(commit)
	var payload []byte
	if err == nil && c.PGPSignature != "" {
		payload, err = encodeWithoutSignature(c)
	}
	r.mu.Unlock()
	if err != nil {
		return SignatureStatus{}, err
	}
	if c.PGPSignature == "" {
		return SignatureStatus{Reason: "unsigned"}, nil
	}
	gc := r.loadConfig()
	sig := []byte(c.PGPSignature)
	st := SignatureStatus{Signed: true, Format: signatureFormat(sig)}
	switch st.Format {
	case FormatSSH:
		allowed := expandHome(configValue(gc, "gpg.ssh.allowedSignersFile"))
		program := firstNonEmpty(configValue(gc, "gpg.ssh.program"), "ssh-keygen")
		return verifySSH(st, program, allowed, payload, sig)
	case FormatX509:
		return verifyGPG(st, firstNonEmpty(configValue(gc, "gpg.x509.program"), "gpgsm"), nil, payload, sig)
	case FormatOpenPGP:
		program := firstNonEmpty(configValue(gc, "gpg.openpgp.program"), configValue(gc, "gpg.program"), "gpg")
		return verifyGPG(st, program, []string{"--keyid-format=long"}, payload, sig)
	}
	st.Reason = "unknown signature format"
	return st, nil
}

// encodeWithoutSignature returns the signed payload of c.
func encodeWithoutSignature(c interface {
	EncodeWithoutSignature(plumbing.EncodedObject) error
}) ([]byte, error) {
	obj := &plumbing.MemoryObject{}
	if err := c.EncodeWithoutSignature(obj); err != nil {
		return nil, fmt.Errorf("encode commit: %w", err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("encode commit: %w", err)
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// signatureFormat recognizes a signature by its armor, as git does.
func signatureFormat(sig []byte) string {
	switch {
	case bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----")), bytes.HasPrefix(sig, []byte("-----BEGIN PGP MESSAGE-----")):
		return FormatOpenPGP
	case bytes.HasPrefix(sig, []byte("-----BEGIN SIGNED MESSAGE-----")):
		return FormatX509
	case bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----")):
		return FormatSSH
	}
	return ""
}

// verifyGPG runs `PROGRAM [--keyid-format=long] --status-fd=1 --verify
// SIGFILE -` with the payload on stdin, as git does (gpg gets
// --keyid-format=long, gpgsm does not know it); a GOODSIG status is a
// good signature.
func verifyGPG(st SignatureStatus, program string, extra []string, payload, sig []byte) (SignatureStatus, error) {
	dir, sigFile, err := tempSignature(sig)
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(program, append(extra, "--status-fd=1", "--verify", sigFile, "-")...)
	cmd.Stdin = bytes.NewReader(payload)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	for line := range strings.SplitSeq(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "[GNUPG:] GOODSIG "); ok {
			_, who, _ := strings.Cut(rest, " ")
			st.Signer = who
			st.Good = runErr == nil
		}
	}
	if !st.Good {
		st.Reason = "signature does not verify" + programOutput(stderr.String())
		if runErr != nil && isNotFound(runErr) {
			return st, fmt.Errorf("verify signature: %w", runErr)
		}
	}
	return st, nil
}

// verifySSH verifies like git: the principals the allowed-signers file
// names for the signature (ssh-keygen -Y find-principals), then
// `ssh-keygen -Y verify -n git -f ALLOWED -I PRINCIPAL -s SIGFILE` with
// the payload on stdin for each until one is good.
func verifySSH(st SignatureStatus, program, allowed string, payload, sig []byte) (SignatureStatus, error) {
	if allowed == "" {
		st.Reason = "gpg.ssh.allowedSignersFile needs to be configured and exist for ssh signature verification"
		return st, nil
	}
	dir, sigFile, err := tempSignature(sig)
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(dir)
	out, err := exec.Command(program, "-Y", "find-principals", "-f", allowed, "-s", sigFile).Output()
	if err != nil && isNotFound(err) {
		return st, fmt.Errorf("verify signature: %w", err)
	}
	principals := strings.Fields(string(out))
	if err != nil || len(principals) == 0 {
		st.Reason = "no principal in " + allowed + " matches the signing key"
		return st, nil
	}
	for _, p := range principals {
		cmd := exec.Command(program, "-Y", "verify", "-n", "git", "-f", allowed, "-I", p, "-s", sigFile)
		cmd.Stdin = bytes.NewReader(payload)
		res, err := cmd.CombinedOutput()
		if err == nil && strings.HasPrefix(string(res), "Good") {
			st.Good, st.Signer = true, p
			return st, nil
		}
		st.Reason = "signature does not verify" + programOutput(string(res))
	}
	return st, nil
}

// tempSignature writes sig to a file in a new temporary directory.
func tempSignature(sig []byte) (dir, file string, err error) {
	dir, err = os.MkdirTemp("", "promote-verify-")
	if err != nil {
		return "", "", fmt.Errorf("verify signature: %w", err)
	}
	file = filepath.Join(dir, "signature")
	if err := os.WriteFile(file, sig, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("verify signature: %w", err)
	}
	return dir, file, nil
}

// isNotFound reports whether running a program failed because it is
// missing.
func isNotFound(err error) bool {
	_, isExit := err.(*exec.ExitError)
	return !isExit
}
