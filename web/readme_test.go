package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// README's receiver example is a whole program that compiles and states
// the replay window: a reader copies it as it is.
func TestREADME_ReceiverCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	_, after, ok := strings.Cut(readme, "**A receiver's side**")
	if !ok {
		t.Fatal("README has no receiver's side")
	}
	intro, code, _ := strings.Cut(after, "```go\n")
	code, _, _ = strings.Cut(code, "```")
	if !strings.Contains(intro, "replay window is 5\nminutes") || !strings.Contains(code, "replayWindow = 5 * time.Minute") {
		t.Error("README does not state the 5-minute replay window with its example")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module receiver\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("README's receiver does not compile: %v\n%s", err, out)
	}
}
