package main

import (
	"context"
	"fmt"

	"sppcrawl"
)

// VersionCommand is `sppcrawl version`: it prints sppcrawl's version.
type VersionCommand struct{ streams }

var versionInfo = commandInfo{"version", "print sppcrawl's version", "", nil}

// Run parses args as the command line of version and prints the version.
func (cmd *VersionCommand) Run(ctx context.Context, args []string) error {
	return newCLI(versionInfo, cmd.streams).run(ctx, args, cmd.version)
}

func (cmd *VersionCommand) version(context.Context, sppcrawl.Archive) error {
	_, err := fmt.Fprintln(cmd.Stdout, "sppcrawl", version)
	return err
}
