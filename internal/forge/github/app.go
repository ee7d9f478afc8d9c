package github

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	gh "github.com/google/go-github/v89/github"
)

// App authenticates as a GitHub App installation: it signs a short JWT
// with the app's private key and exchanges it for an installation token,
// which it caches until shortly before it expires.
type App struct {
	// ID is the app's id.
	ID int64
	// Key is the app's private key.
	Key *rsa.PrivateKey
	// Installation is the installation's id; zero looks it up from the
	// repository Owner/Repo.
	Installation int64
	Owner, Repo  string
	// APIURL is the REST API; HTTP sends requests (retrying, without
	// authentication).
	APIURL string
	HTTP   http.RoundTripper
	// OnToken is told each new token (to redact it from output).
	OnToken func(string)
	// Now tells the time; nil uses time.Now.
	Now func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// ParseAppKey reads a PEM-encoded RSA private key (PKCS#1 or PKCS#8), as
// GitHub hands out for apps.
func ParseAppKey(pem []byte) (*rsa.PrivateKey, error) {
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		return nil, fmt.Errorf("expected a PEM-encoded RSA private key: %w", err)
	}
	return key, nil
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Token returns an installation token, minting one when there is none or
// it expires within a minute.
func (a *App) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Add(time.Minute).Before(a.expires) {
		return a.token, nil
	}
	tok, expires, err := a.mint(ctx)
	if err != nil {
		return "", fmt.Errorf("github app %d: %w", a.ID, err)
	}
	a.token, a.expires = tok, expires
	if a.OnToken != nil {
		a.OnToken(tok)
	}
	return tok, nil
}

// mint exchanges a fresh JWT for an installation token.
func (a *App) mint(ctx context.Context) (string, time.Time, error) {
	signed, err := a.jwt()
	if err != nil {
		return "", time.Time{}, err
	}
	if a.OnToken != nil {
		a.OnToken(signed)
	}
	next := a.HTTP
	if next == nil {
		next = http.DefaultTransport
	}
	c, err := NewClient(a.APIURL, AuthClient(StaticToken(signed), next))
	if err != nil {
		return "", time.Time{}, err
	}
	id := a.Installation
	if id == 0 {
		inst, _, err := c.Apps.GetRepositoryInstallation(ctx, a.Owner, a.Repo)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("find the app's installation on %s/%s (is the app installed there?): %w", a.Owner, a.Repo, err)
		}
		id = inst.GetID()
	}
	tok, _, err := c.Apps.CreateInstallationToken(ctx, id, &gh.InstallationTokenOptions{Repositories: []string{a.Repo}})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create a token for installation %d: %w", id, err)
	}
	return tok.GetToken(), tok.GetExpiresAt().Time, nil
}

// jwt signs the app's JWT: issued a minute ago (clock drift), valid nine
// minutes (GitHub allows ten).
func (a *App) jwt() (string, error) {
	now := a.now()
	claims := jwt.RegisteredClaims{
		Issuer:    strconv.FormatInt(a.ID, 10),
		IssuedAt:  jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(9 * time.Minute)),
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(a.Key)
	if err != nil {
		return "", fmt.Errorf("sign the app's JWT: %w", err)
	}
	return signed, nil
}
