//go:build !linux

package store

func unmapFile(string) {}
