// Package renderdiff compares the manifests an environment renders to
// before and after a promotion, resource by resource (apiVersion/kind
// namespace/name): added, removed, changed and replaced (a generated name
// whose hash suffix changed), with a unified diff of each, and Secret
// values replaced by a keyed hash so that no secret is ever printed. It
// renders the comparison as markdown for a proposal body (trimmed to a
// byte budget) and as text for the terminal.
package renderdiff
