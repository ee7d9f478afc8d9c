// Package chatops reads chat commands from pull request, merge request
// and issue comments (/promote prod, /rollback prod 2), decides whether
// their author may run them, and carries them out through the same
// proposal machinery as the CLI, replying on the thread. It also opens
// the next promotion when a promotion is merged into an environment whose
// successor has autoPromote: true. The GitHub Action (promote chatops)
// and the webhook server (promote serve) both use it.
package chatops
