// Package signtest generates throwaway signing keys for tests: an SSH key
// (ssh-keygen) with its allowed-signers file, and an OpenPGP key (gpg) in
// a temporary GNUPGHOME, both without a passphrase.
package signtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SSHKey is a generated ed25519 key.
type SSHKey struct {
	// Private is the private key file; Private+".pub" holds the public key.
	Private string
	// Public is the public key line ("ssh-ed25519 AAAA... comment").
	Public string
	// AllowedSigners is an allowed-signers file trusting Public for
	// Email, for gpg.ssh.allowedSignersFile.
	AllowedSigners string
}

// NewSSHKey generates an ed25519 key for email, skipping the test when
// ssh-keygen is missing.
func NewSSHKey(tb testing.TB, email string) SSHKey {
	tb.Helper()
	need(tb, "ssh-keygen")
	dir := tb.TempDir()
	k := SSHKey{Private: filepath.Join(dir, "id_ed25519"), AllowedSigners: filepath.Join(dir, "allowed_signers")}
	run(tb, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", k.Private)
	pub, err := os.ReadFile(k.Private + ".pub")
	if err != nil {
		tb.Fatal(err)
	}
	k.Public = strings.TrimSpace(string(pub))
	if err := os.WriteFile(k.AllowedSigners, []byte(email+" "+k.Public+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return k
}

// StartSSHAgent runs an ssh-agent holding key for the test (setting
// SSH_AUTH_SOCK) and stops it at cleanup.
func StartSSHAgent(tb testing.TB, key SSHKey) {
	tb.Helper()
	need(tb, "ssh-agent")
	need(tb, "ssh-add")
	dir, err := os.MkdirTemp("", "agent")
	if err != nil {
		tb.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = agent.Process.Kill()
		_ = agent.Wait()
		os.RemoveAll(dir)
	})
	// ssh-add -l exits 2 until the agent accepts connections (the
	// socket exists a moment before it listens), 1 when it holds no key.
	for i := 0; ; i++ {
		list := exec.Command("ssh-add", "-l")
		list.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		err := list.Run()
		var ee *exec.ExitError
		if err == nil || errors.As(err, &ee) && ee.ExitCode() == 1 {
			break
		}
		if i == 300 {
			tb.Fatalf("ssh-agent does not answer on %s: %v", sock, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Setenv("SSH_AUTH_SOCK", sock)
	run(tb, nil, "ssh-add", "-q", key.Private)
}

// GPGKey is a generated OpenPGP key in its own GNUPGHOME.
type GPGKey struct {
	// Home is the GNUPGHOME the key lives in; the test's environment
	// has GNUPGHOME set to it.
	Home string
	// Fingerprint is the key's fingerprint.
	Fingerprint string
}

// NewGPGKey generates a signing key for "name <email>" in a temporary
// GNUPGHOME, sets GNUPGHOME for the test and stops the agent at cleanup.
// It skips the test when gpg is missing.
func NewGPGKey(tb testing.TB, name, email string) GPGKey {
	tb.Helper()
	return newGPGKey(tb, name, email, "ed25519")
}

// newGPGKey generates a signing key of algorithm algo.
func newGPGKey(tb testing.TB, name, email, algo string) GPGKey {
	tb.Helper()
	need(tb, "gpg")
	// A short path: the agent's socket path must fit in 108 bytes.
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("GNUPGHOME", home)
	tb.Cleanup(func() {
		if _, err := exec.LookPath("gpgconf"); err == nil {
			_ = exec.Command("gpgconf", "--kill", "all").Run()
		}
		os.RemoveAll(home)
	})
	env := []string{"GNUPGHOME=" + home}
	run(tb, env, "gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", name+" <"+email+">", algo, "sign", "never")
	out := run(tb, env, "gpg", "--batch", "--with-colons", "--list-secret-keys", email)
	k := GPGKey{Home: home}
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			k.Fingerprint = f[9]
			break
		}
	}
	if k.Fingerprint == "" {
		tb.Fatalf("no fingerprint in gpg output:\n%s", out)
	}
	return k
}

// need skips the test when program is missing, or fails it when
// PROMOTE_REQUIRE_SIGNING_TOOLS is set (CI installs them).
// X509Key is a generated self-signed X.509 signing certificate, trusted
// by gpgsm in its GNUPGHOME.
type X509Key struct {
	Home string
	// Fingerprint is the certificate's fingerprint (a user.signingKey).
	Fingerprint string
}

// NewX509Key generates a key with gpg (no passphrase), a self-signed
// certificate for it with gpgsm, and trusts it (trustlist.txt, no CRL
// checks), in a temporary GNUPGHOME set for the test. It skips the test
// when gpg or gpgsm is missing.
func NewX509Key(tb testing.TB, name, email string) X509Key {
	tb.Helper()
	need(tb, "gpgsm")
	g := newGPGKey(tb, name, email, "rsa2048") // X.509 has no ed25519 here
	env := []string{"GNUPGHOME=" + g.Home}
	out := run(tb, env, "gpg", "--batch", "--with-colons", "--with-keygrip", "--list-secret-keys", email)
	grip := ""
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "grp" && len(f) > 9 && grip == "" {
			grip = f[9]
		}
	}
	params := filepath.Join(g.Home, "params")
	write(tb, params, "Key-Type: RSA\nKey-Grip: "+grip+"\nKey-Usage: sign\nSerial: random\nName-DN: CN="+name+"\nName-Email: "+email+"\nHash-Algo: SHA256\n")
	cert := filepath.Join(g.Home, "cert.pem")
	run(tb, env, "gpgsm", "--batch", "--armor", "--output", cert, "--gen-key", params)
	run(tb, env, "gpgsm", "--batch", "--import", cert)
	out = run(tb, env, "gpgsm", "--with-colons", "--list-secret-keys")
	k := X509Key{Home: g.Home}
	for line := range strings.SplitSeq(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 && k.Fingerprint == "" {
			k.Fingerprint = f[9]
		}
	}
	if k.Fingerprint == "" {
		tb.Fatalf("no certificate in gpgsm's list:\n%s", out)
	}
	write(tb, filepath.Join(g.Home, "trustlist.txt"), k.Fingerprint+" S relax\n")
	write(tb, filepath.Join(g.Home, "gpgsm.conf"), "disable-crl-checks\n")
	return k
}

func write(tb testing.TB, name, data string) {
	tb.Helper()
	if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func need(tb testing.TB, program string) {
	tb.Helper()
	if _, err := exec.LookPath(program); err != nil {
		if os.Getenv("PROMOTE_REQUIRE_SIGNING_TOOLS") != "" {
			tb.Fatalf("%s is not installed", program)
		}
		tb.Skipf("%s is not installed", program)
	}
}

func run(tb testing.TB, env []string, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
