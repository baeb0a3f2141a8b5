package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"sppcrawl/extract"
	"sppcrawl/publish"
)

func runChannels(ctx context.Context, args []string) error {
	fs := newFlags("channels", "[--format text|json]")
	format := fs.String("format", "text", "output format: text or json")
	var lf logFlags
	lf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := lf.logger(os.Stderr); err != nil {
		return err
	}
	type row struct {
		Key  string `json:"key"`
		Name string `json:"name"`
		Path string `json:"path"`
		URL  string `json:"url"`
	}
	var rows []row
	for _, c := range extract.Channels {
		rows = append(rows, row{c.Key, c.Name, c.Path, extract.ListPageURL(c.Path, 1)})
	}
	switch *format {
	case "json":
		return publish.WriteJSON(os.Stdout, rows)
	case "text":
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tPATH\tURL\tNAME")
		for _, r := range rows {
			// The name goes last: tabwriter counts a Chinese character as one column.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Key, r.Path, r.URL, r.Name)
		}
		return tw.Flush()
	}
	return usageErr("--format %q: want text or json", *format)
}
