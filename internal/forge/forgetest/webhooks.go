package forgetest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// WebhookExamplesEnv names the environment variable that points at the
// @octokit/webhooks-examples package (its directory or its
// api.github.com/index.json); .ci/run sets it.
const WebhookExamplesEnv = "PROMOTE_WEBHOOKS_EXAMPLES"

// WebhookExamplesFile locates api.github.com/index.json of
// @octokit/webhooks-examples: $WebhookExamplesEnv, else
// ~/.cache/promote-webhooks/node_modules/@octokit/webhooks-examples.
func WebhookExamplesFile() (string, error) {
	p := os.Getenv(WebhookExamplesEnv)
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache", "promote-webhooks", "node_modules", "@octokit", "webhooks-examples")
	}
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "api.github.com", "index.json")
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("GitHub's webhook examples (npm @octokit/webhooks-examples) not found at %s: run .ci/run or npm install --prefix ~/.cache/promote-webhooks @octokit/webhooks-examples, or set %s", p, WebhookExamplesEnv)
	}
	return p, nil
}

// WebhookExamples returns the example payloads of GitHub's event (such
// as issue_comment), each as a JSON object, in the package's order. When
// the package is not installed the test is skipped, except in CI
// (CI=true), where that fails it.
func WebhookExamples(t testing.TB, event string) []map[string]any {
	t.Helper()
	file, err := WebhookExamplesFile()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
	index, err := loadExamples(file)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := index[event]
	if !ok || len(raw) == 0 {
		t.Fatalf("%s: no examples of %s", file, event)
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			t.Fatalf("%s: %s example %d: %v", file, event, i, err)
		}
	}
	return out
}

var (
	examplesMu    sync.Mutex
	examplesCache = map[string]map[string][]json.RawMessage{}
)

// loadExamples reads the index once per process: event name → raw
// examples.
func loadExamples(file string) (map[string][]json.RawMessage, error) {
	examplesMu.Lock()
	defer examplesMu.Unlock()
	if idx, ok := examplesCache[file]; ok {
		return idx, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var index []struct {
		Name     string            `json:"name"`
		Examples []json.RawMessage `json:"examples"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	idx := map[string][]json.RawMessage{}
	for _, e := range index {
		idx[e.Name] = e.Examples
	}
	examplesCache[file] = idx
	return idx, nil
}

// WebhookExample returns the first example of event whose action is
// action ("" for any), as a JSON object to adjust and marshal.
func WebhookExample(t testing.TB, event, action string) map[string]any {
	t.Helper()
	for _, ex := range WebhookExamples(t, event) {
		if a, _ := ex["action"].(string); action == "" || a == action {
			return ex
		}
	}
	t.Fatalf("no %s example with action %q", event, action)
	return nil
}

// Set changes the value at path (keys of nested objects) of a JSON
// object, creating objects on the way.
func Set(obj map[string]any, value any, path ...string) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = value
}

// Marshal renders v as JSON, failing t on error.
func Marshal(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
