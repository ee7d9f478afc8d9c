package connect_test

import (
	"testing"

	"github.com/gitops-promote/promote/internal/forge/connect"
)

// TestKindsAreDistinct: every row has its own name, and every webhook its
// own flag and secret variable (event types may be shared: Gitea's are
// GitHub's, and its CI tells them apart).
func TestKindsAreDistinct(t *testing.T) {
	seen := map[string]string{}
	claim := func(what, v, by string) {
		if v == "" {
			t.Errorf("%s: empty %s", by, what)
			return
		}
		if other, ok := seen[what+v]; ok {
			t.Errorf("%s %q of %s is also %s's", what, v, by, other)
		}
		seen[what+v] = by
	}
	for _, k := range connect.Kinds {
		claim("name", k.Name, k.Name)
		if k.Open == nil || k.Host == nil {
			t.Errorf("%s: no Open or Host", k.Name)
		}
		if wh := k.Webhook; wh != nil {
			claim("flag", wh.SecretFlag, k.Name)
			claim("variable", wh.SecretEnv, k.Name)
			if len(k.TokenEnv) == 0 || k.TokenUser == "" {
				t.Errorf("%s: a forge with webhooks and no token", k.Name)
			}
		}
	}
}

func TestParseEventChoosesTheRow(t *testing.T) {
	gitlabNote := []byte(`{"object_kind":"note","user":{"username":"ada"},"project":{"path_with_namespace":"g/p","default_branch":"main"},
		"object_attributes":{"id":7,"note":"/promote prod","noteable_type":"Issue","action":"create"},"issue":{"iid":3}}`)
	githubComment := []byte(`{"action":"created","issue":{"number":3},"comment":{"id":7,"body":"/promote prod","user":{"login":"ada"}},
		"repository":{"full_name":"a/b","default_branch":"main"}}`)
	cases := []struct {
		forge, event string
		payload      []byte
		want         string
	}{
		{"auto", "Note Hook", gitlabNote, "gitlab"},
		{"gitlab", "Note Hook", gitlabNote, "gitlab"},
		{"auto", "issue_comment", githubComment, "github"},
		{"github", "issue_comment", githubComment, "github"},
		{"auto", "push", []byte(`{}`), ""},
	}
	for _, c := range cases {
		ev, err := connect.ParseEvent(c.forge, c.event, c.payload, func(string) string { return "" })
		if err != nil {
			t.Errorf("%s %s: %v", c.forge, c.event, err)
			continue
		}
		if ev.Repository.Forge != c.want || (c.want != "" && ev.Comment == nil) {
			t.Errorf("%s %s: read as %+v, want a %q comment", c.forge, c.event, ev, c.want)
		}
	}
}
