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
	c := newCLI(versionInfo, cmd.streams)
	return c.run(ctx, args, func(context.Context, sppcrawl.Archive) error {
		_, err := fmt.Fprintln(c.Stdout, "sppcrawl", version)
		return err
	})
}
