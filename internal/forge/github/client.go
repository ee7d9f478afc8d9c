package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v89/github"
)

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// TokenFunc returns the token requests are sent with.
type TokenFunc func(ctx context.Context) (string, error)

// StaticToken is a TokenFunc for a fixed token.
func StaticToken(tok string) TokenFunc {
	return func(context.Context) (string, error) { return tok, nil }
}

// authTransport adds "Authorization: Bearer <token>" to each request.
type authTransport struct {
	token TokenFunc
	next  http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.token(req.Context())
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+tok)
	return t.next.RoundTrip(req)
}

// AuthClient returns an HTTP client that authenticates with token over
// next (a retrying transport, usually).
func AuthClient(token TokenFunc, next http.RoundTripper) *http.Client {
	return &http.Client{Transport: &authTransport{token: token, next: next}}
}

// NewClient returns a go-github client for the REST API at apiURL
// (https://api.github.com/ or https://HOST/api/v3/ for GitHub
// Enterprise) sending requests with hc. go-github's own rate-limit
// bookkeeping is off: hc's transport waits and retries instead.
func NewClient(apiURL string, hc *http.Client) (*gh.Client, error) {
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	c, err := gh.NewClient(gh.WithHTTPClient(hc), gh.WithURLs(&apiURL, &apiURL), gh.WithDisableRateLimitCheck(), gh.WithUserAgent("gitops-promote"))
	if err != nil {
		return nil, fmt.Errorf("github API URL %s: %w", apiURL, err)
	}
	return c, nil
}

// APIURL is the REST API of the GitHub that serves the remote on host:
// GITHUB_API_URL when set, api.github.com for github.com, the
// GITHUB_SERVER_URL or https://host with /api/v3 for GitHub Enterprise.
func APIURL(getenv func(string) string, host string) string {
	if v := getenv("GITHUB_API_URL"); v != "" {
		return v
	}
	if host == "github.com" || host == "" {
		return DefaultAPIURL
	}
	server := getenv("GITHUB_SERVER_URL")
	if server == "" {
		server = "https://" + host
	}
	return strings.TrimSuffix(server, "/") + "/api/v3/"
}

// GraphQLURL is the GraphQL endpoint beside the REST API at apiURL:
// GITHUB_GRAPHQL_URL when set, api.github.com/graphql, HOST/api/graphql
// for GitHub Enterprise, or apiURL/graphql otherwise.
func GraphQLURL(getenv func(string) string, apiURL string) string {
	if v := getenv("GITHUB_GRAPHQL_URL"); v != "" {
		return v
	}
	u, err := url.Parse(apiURL)
	if err != nil {
		return strings.TrimSuffix(apiURL, "/") + "/graphql"
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/api/v3") {
		u.Path = strings.TrimSuffix(p, "/v3") + "/graphql"
	} else {
		u.Path = p + "/graphql"
	}
	return u.String()
}
