// Package shareddata finds the reference files that tests read but the
// product must not carry (the 93's communes GeoJSON, the SCDL schema and its
// official examples): $TREMPLIN_SHARED_DATA, else the shared/data folder
// beside the repository, else /work/shared/data.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Env names the variable that points at the shared data folder. CI sets it:
// once set, a file missing from that folder fails the test that needs it
// instead of skipping it.
const Env = "TREMPLIN_SHARED_DATA"

// Dir returns the shared data folder and whether it exists. With Env set,
// that folder only.
func Dir() (string, bool) {
	var candidates []string
	if d := os.Getenv(Env); d != "" {
		candidates = append(candidates, d)
	} else {
		if _, file, _, ok := runtime.Caller(0); ok {
			// internal/shareddata → repository root → its parent.
			root := filepath.Join(filepath.Dir(file), "..", "..")
			candidates = append(candidates, filepath.Join(root, "..", "shared", "data"))
		}
		candidates = append(candidates, "/work/shared/data")
	}
	for _, d := range candidates {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, true
		}
	}
	return "", false
}

// Path returns the path of name inside the shared data folder.
func Path(name string) (string, bool) {
	d, ok := Dir()
	if !ok {
		return "", false
	}
	p := filepath.Join(d, name)
	_, err := os.Stat(p)
	return p, err == nil
}

// Require returns the path of name inside the shared data folder. A machine
// without the folder skips the test (the files are optional on a laptop);
// with Env set, as in CI, a missing file fails it: a skip there would hide
// the missing piece.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, ok := Path(name)
	switch {
	case ok:
		return p
	case os.Getenv(Env) != "":
		t.Fatalf("%s=%s has no %s: the reference files this test reads are missing", Env, os.Getenv(Env), name)
	default:
		t.Skipf("shared data %s not found (set %s to the shared data folder)", name, Env)
	}
	return ""
}
