// Package kubernetes holds the manifests for running promote serve on
// Kubernetes as several replicas (kubectl apply -k deploy/kubernetes);
// its test builds them with kustomize and checks that they hang
// together: probes on the health endpoints, the Service on the
// container's port, secrets that exist, flags that promote serve knows.
package kubernetes
