package forgetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// OpenAPIEnv names the environment variable that points at the
// @octokit/openapi package (its directory or its
// generated/api.github.com.json); .ci/run sets it.
const OpenAPIEnv = "PROMOTE_OCTOKIT_OPENAPI"

// openAPIServer is the host requests are matched against.
const openAPIServer = "http://api.github.test"

// usedPaths selects the part of the description the adapters may call:
// pull requests, issues (labels, comments, assignees), a commit's
// combined status and check runs, the Git Data API (blobs, trees,
// commits, refs) and GitHub App installations. A request outside it fails like one the description
// does not allow.
var usedPaths = regexp.MustCompile(`^/repos/\{owner\}/\{repo\}/(pulls|issues|labels|installation|git/(blobs|trees|commits|refs)|commits/\{ref\}/(status|check-runs)$)|^/app/installations/`)

// OpenAPI checks requests against GitHub's REST API description.
type OpenAPI struct {
	router routers.Router
}

var (
	openAPIOnce sync.Once
	openAPI     *OpenAPI
	openAPIErr  error
)

// OpenAPIFile locates api.github.com.json of @octokit/openapi: $OpenAPIEnv,
// else ~/.cache/promote-npm/node_modules/@octokit/openapi.
func OpenAPIFile() (string, error) {
	p := os.Getenv(OpenAPIEnv)
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache", "promote-npm", "node_modules", "@octokit", "openapi")
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "generated", "api.github.com.json")
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("GitHub's OpenAPI description (npm @octokit/openapi) not found at %s: run .ci/run or npm install --prefix ~/.cache/promote-npm @octokit/openapi, or set %s", p, OpenAPIEnv)
	}
	return p, nil
}

// GitHubOpenAPI loads GitHub's OpenAPI description once per process. When
// it is not installed the check is skipped with a note, except in CI
// (CI=true), where that fails the test.
func GitHubOpenAPI(t testing.TB) *OpenAPI {
	t.Helper()
	openAPIOnce.Do(func() {
		var file string
		if file, openAPIErr = OpenAPIFile(); openAPIErr == nil {
			openAPI, openAPIErr = LoadOpenAPI(file)
		}
	})
	if openAPIErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", openAPIErr)
		}
		t.Logf("requests are not checked against GitHub's OpenAPI description: %v", openAPIErr)
		return nil
	}
	return openAPI
}

// LoadOpenAPI reads the description in file, keeps the operations the
// adapters may call, makes request bodies strict (a property the
// description does not name is an error, where GitHub would silently
// ignore a misspelt one) and builds a router.
func LoadOpenAPI(file string) (*OpenAPI, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := prune(doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	small, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(small)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	spec.Servers = openapi3.Servers{{URL: openAPIServer}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &OpenAPI{router: router}, nil
}

// prune keeps the used paths, drops response schemas (only requests are
// checked) and the components nothing kept refers to, and makes request
// bodies strict.
func prune(doc map[string]any) error {
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		return errors.New("no paths")
	}
	for p, item := range paths {
		if !usedPaths.MatchString(p) {
			delete(paths, p)
			continue
		}
		for _, op := range item.(map[string]any) {
			if o, ok := op.(map[string]any); ok {
				o["responses"] = map[string]any{"default": map[string]any{"description": "not checked"}}
				if rb, ok := o["requestBody"].(map[string]any); ok {
					strict(rb)
				}
			}
		}
	}
	comps, _ := doc["components"].(map[string]any)
	need := map[string]bool{}
	refs(paths, need)
	for done := map[string]bool{}; len(done) < len(need); {
		for r := range need {
			if done[r] {
				continue
			}
			done[r] = true
			kind, name, _ := strings.Cut(strings.TrimPrefix(r, "#/components/"), "/")
			if m, ok := comps[kind].(map[string]any); ok {
				strict(m[name])
				refs(m[name], need)
			}
		}
	}
	for kind, m := range comps {
		if mm, ok := m.(map[string]any); ok {
			for name := range mm {
				if !need["#/components/"+kind+"/"+name] {
					delete(mm, name)
				}
			}
		}
	}
	return nil
}

// refs collects the $ref values under v.
func refs(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				out[s] = true
			} else {
				refs(e, out)
			}
		}
	case []any:
		for _, e := range x {
			refs(e, out)
		}
	}
}

// strict sets additionalProperties: false on object schemas under v that
// list properties and say nothing of others (allOf parts excepted: each
// names only some of the properties).
func strict(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["properties"].(map[string]any); ok {
			if _, set := x["additionalProperties"]; !set {
				x["additionalProperties"] = false
			}
		}
		for k, e := range x {
			if k != "allOf" && k != "examples" && k != "example" {
				strict(e)
			}
		}
	case []any:
		for _, e := range x {
			strict(e)
		}
	}
}

// Validate checks method, path, query parameters and JSON body of r
// (whose body was read into body) against the description.
func (o *OpenAPI) Validate(r *http.Request, body []byte) error {
	uri := r.URL.RequestURI()
	// The {ref} of the Git refs API holds slashes (heads/promote/x), as
	// GitHub takes it; a path template matches one segment only.
	if before, ref, ok := strings.Cut(uri, "/git/refs/"); ok {
		uri = before + "/git/refs/" + strings.ReplaceAll(ref, "/", "%2F")
	}
	req, err := http.NewRequestWithContext(context.Background(), r.Method, openAPIServer+uri, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = r.Header.Clone()
	route, params, err := o.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("no such operation: %w", err)
	}
	if err := unknownQuery(route, req); err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s: %w", route.Operation.OperationID, err)
	}
	return nil
}

// unknownQuery rejects query parameters the operation does not declare
// (kin-openapi lets them through).
func unknownQuery(route *routers.Route, req *http.Request) error {
	known := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				known[p.Value.Name] = true
			}
		}
	}
	var bad []string
	for k := range req.URL.Query() {
		if !known[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("%s: query parameters %s are not in the description", route.Operation.OperationID, strings.Join(bad, ", "))
	}
	return nil
}
