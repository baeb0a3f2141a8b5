// Package child is how the tests re-execute their own binary as a child
// process in a named role (a crawl to kill, an archive writer to crash, the
// sppcrawl command), so that a SIGKILL or a file size limit hits a real
// process: one pattern for every package.
package child

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// envRole names the role a re-executed test binary plays.
const envRole = "SPPCRAWL_TEST_CHILD"

// Main is a TestMain: in a child it runs the role the environment names and
// exits with the status the role returns; otherwise it runs the tests.
func Main(m *testing.M, roles map[string]func() int) {
	if role := os.Getenv(envRole); role != "" {
		run, ok := roles[role]
		if !ok {
			fmt.Fprintf(os.Stderr, "child: no role %q\n", role)
			os.Exit(2)
		}
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// Command is the test binary to run again as role, with env added to the
// environment; its stderr is the test's.
func Command(role string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(append(os.Environ(), envRole+"="+role), env...)
	cmd.Stderr = os.Stderr
	return cmd
}
