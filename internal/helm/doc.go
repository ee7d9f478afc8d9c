// Package helm finds and edits the versions Helm deployments pin: values
// in values files (a scalar such as image.tag, or an image block whose
// repository, tag and digest travel together) and chart versions in a
// kustomization's helmCharts:, Argo CD Applications
// (spec.source.targetRevision) and Flux HelmReleases
// (spec.chart.spec.version).
package helm
