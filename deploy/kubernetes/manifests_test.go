package kubernetes

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gitops-promote/promote/third_party/kustomize/api/krusty"
	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/gitops-promote/promote/internal/cli"
)

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		ValueFrom *struct {
			SecretKeyRef struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Readiness *probe `yaml:"readinessProbe"`
	Liveness  *probe `yaml:"livenessProbe"`
}

type object struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Replicas int              `yaml:"replicas"`
		Selector map[string]any   `yaml:"selector"`
		Ports    []map[string]any `yaml:"ports"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				TerminationGracePeriodSeconds int         `yaml:"terminationGracePeriodSeconds"`
				Containers                    []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
	StringData map[string]string `yaml:"stringData"`
}

// build runs kustomize on the directory and decodes each resource.
func build(t *testing.T) map[string]object {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), ".")
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	out := map[string]object{}
	for _, r := range m.Resources() {
		data, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		var o object
		if err := yaml.Unmarshal(data, &o); err != nil {
			t.Fatalf("%s: %v", r.CurId(), err)
		}
		out[o.Kind] = o
	}
	return out
}

func TestManifests(t *testing.T) {
	objs := build(t)
	dep, svc, sec := objs["Deployment"], objs["Service"], objs["Secret"]
	if dep.Spec.Replicas < 2 {
		t.Errorf("replicas %d: the manifests show several replicas", dep.Spec.Replicas)
	}
	if dep.Spec.Template.Spec.TerminationGracePeriodSeconds <= 60 {
		t.Errorf("terminationGracePeriodSeconds %d: must exceed --shutdown-timeout", dep.Spec.Template.Spec.TerminationGracePeriodSeconds)
	}
	if len(dep.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("containers: %+v", dep.Spec.Template.Spec.Containers)
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if c.Readiness == nil || c.Readiness.HTTPGet.Path != "/readyz" || c.Liveness == nil || c.Liveness.HTTPGet.Path != "/healthz" {
		t.Errorf("probes: readiness %+v, liveness %+v", c.Readiness, c.Liveness)
	}
	ports := map[string]int{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, pr := range []*probe{c.Readiness, c.Liveness} {
		if pr != nil && ports[pr.HTTPGet.Port] == 0 {
			t.Errorf("a probe uses port %q, which the container does not name", pr.HTTPGet.Port)
		}
	}
	if !slices.Contains(c.Args, "--addr=:"+strconv.Itoa(ports["http"])) {
		t.Errorf("serve does not listen on the container port %d: %q", ports["http"], c.Args)
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if ref.Name != sec.Metadata.Name || sec.StringData[ref.Key] == "" {
			t.Errorf("%s comes from secret %s key %s, which the Secret does not hold", e.Name, ref.Name, ref.Key)
		}
	}
	sel, _ := svc.Spec.Selector["app.kubernetes.io/name"].(string)
	if sel == "" || dep.Spec.Template.Metadata.Labels["app.kubernetes.io/name"] != sel || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0]["targetPort"] != "http" {
		t.Errorf("the Service does not reach the pods: selector %v, ports %v", svc.Spec.Selector, svc.Spec.Ports)
	}
	// promote serve knows every flag the Deployment passes.
	if c.Args[0] != "serve" {
		t.Fatalf("args %q: want serve", c.Args)
	}
	var stdout, stderr bytes.Buffer
	f := &cli.Factory{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := cli.Run(context.Background(), f, append(slices.Clone(c.Args), "--help")); code != 0 || !strings.Contains(stdout.String()+stderr.String(), "--resync") {
		t.Errorf("promote %s --help: exit %d\n%s%s", strings.Join(c.Args, " "), code, stdout.String(), stderr.String())
	}
}
