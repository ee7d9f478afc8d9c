package testrepo

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Options shape the generated repository.
type Options struct {
	// Apps is the number of apps.
	Apps int
	// Ahead is the fraction of apps whose staging runs newer tags than
	// prod (0 to 1).
	Ahead float64
	// Seed makes the output reproducible.
	Seed uint64
	// Plain writes overlays the way people write them by hand instead of
	// the default style: a comment line, a namespace, exactly two images,
	// the first with a quoted tag and the second unquoted, no trailing
	// comments, and a labels entry. Benchmarks run on both styles,
	// so that no figure depends on the generator's own layout.
	Plain bool
}

// Envs are the environments generated, in pipeline order.
var Envs = []string{"dev", "staging", "prod"}

// Config is the promote.yaml of a generated repository.
const Config = `# generated monorepo
apps:
  path: apps/{app}/overlays/{env}
environments:
  - name: dev
  - name: staging
    from: dev
  - name: prod
    from: staging
`

// AppName is the name of app i.
func AppName(i int) string { return fmt.Sprintf("app-%05d", i) }

// Files returns the repository's files by slash path.
func Files(o Options) map[string][]byte {
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	files := map[string][]byte{"promote.yaml": []byte(Config)}
	for i := 0; i < o.Apps; i++ {
		addApp(files, rng, AppName(i), float64(i) < o.Ahead*float64(o.Apps), o.Plain)
	}
	return files
}

func addApp(files map[string][]byte, rng *rand.Rand, app string, ahead, plain bool) {
	n := 1 + rng.IntN(3)
	write := overlay
	if plain {
		n, write = 2, plainOverlay
	}
	images := make([]string, n)
	for j := range images {
		images[j] = fmt.Sprintf("registry.example.com/team-%d/%s-%c", rng.IntN(20), app, 'a'+j)
	}
	base := "apps/" + app + "/base/"
	files[base+"kustomization.yaml"] = []byte("# base for " + app + "\nresources:\n  - deployment.yaml\n")
	files[base+"deployment.yaml"] = deployment(app, images)
	minor := rng.IntN(40)
	for _, env := range Envs {
		m := minor
		if env == "dev" || (env == "staging" && ahead) {
			m++
		}
		files["apps/"+app+"/overlays/"+env+"/kustomization.yaml"] = write(app, env, images, m)
	}
}

func deployment(app string, images []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n      containers:\n", app)
	for i, img := range images {
		fmt.Fprintf(&b, "        - name: c%d\n          image: %s\n", i, img)
	}
	return []byte(b.String())
}

func overlay(app, env string, images []string, minor int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s in %s\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s-%s\n\nresources:\n  - ../../base\n\nimages:\n", app, env, app, env)
	for i, img := range images {
		fmt.Fprintf(&b, "  - name: %s\n    newTag: \"1.%d.%d\" # set by CI\n", img, minor, i)
	}
	return []byte(b.String())
}

// plainOverlay is an overlay in the Plain style.
func plainOverlay(app, env string, images []string, minor int) []byte {
	return fmt.Appendf(nil, `# %[1]s (%[2]s)
namespace: %[1]s
labels:
- pairs:
    app.kubernetes.io/part-of: %[1]s
resources:
- ../../base
images:
- name: %[3]s
  newTag: "2.%[5]d.0"
- name: %[4]s
  newTag: v2.%[5]d.1
`, app, env, images[0], images[1], minor)
}

// Write writes files under dir.
func Write(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
