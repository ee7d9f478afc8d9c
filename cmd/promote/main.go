// Command promote promotes releases between GitOps environments by pull
// request. See the README for usage.
package main

import (
	"os"

	"github.com/gitops-promote/promote/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
