// Package manifests finds and edits the container images of Kubernetes
// manifests: the containers and initContainers of Deployments,
// StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods and Argo
// Rollouts, in plain multi-document files and in an overlay's strategic
// merge patches (a version.yml holding a Deployment with only its image),
// and JSON 6902 patch operations that replace or add a container image.
// Images are matched by name, as kustomize's image transformer matches
// them; the tag and digest travel. An image that a kustomization of the
// environment sets with an images: entry is left to that entry.
package manifests
