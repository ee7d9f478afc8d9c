package yamledit_test

import (
	"fmt"

	"github.com/gitops-promote/promote/internal/yamledit"
)

func ExampleApply() {
	src := []byte(`# overlay
images:
- name: ghcr.io/acme/web
  newTag: 1.0 # pinned
`)
	web := yamledit.Path{yamledit.Key("images"), yamledit.Item("name", "ghcr.io/acme/web")}
	out, err := yamledit.Apply(src, 0,
		yamledit.Set(append(web, yamledit.Key("newTag")), "1.1"),
		yamledit.Set(append(web, yamledit.Key("digest")), "sha256:0123"),
		yamledit.Append(yamledit.Path{yamledit.Key("images")},
			yamledit.Field{Key: "name", Value: "ghcr.io/acme/api"},
			yamledit.Field{Key: "newTag", Value: "v2"}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// # overlay
	// images:
	// - name: ghcr.io/acme/web
	//   newTag: "1.1" # pinned
	//   digest: sha256:0123
	// - name: ghcr.io/acme/api
	//   newTag: v2
}
