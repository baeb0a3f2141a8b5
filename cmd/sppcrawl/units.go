package main

import "fmt"

// byteSize is n bytes for a person, in the largest binary unit that keeps
// it at least 1 (a media folder of 40 KiB read as "0.0 MiB").
func byteSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}
