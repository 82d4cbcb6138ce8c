// Package shareddata finds the reference files that tests read but the
// product must not carry (the 93's communes GeoJSON, the SCDL schema and its
// official examples): $TREMPLIN_SHARED_DATA, else the shared/data folder
// beside the repository, else /work/shared/data.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
)

// Dir returns the shared data folder and whether it exists.
func Dir() (string, bool) {
	var candidates []string
	if d := os.Getenv("TREMPLIN_SHARED_DATA"); d != "" {
		candidates = append(candidates, d)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		// internal/shareddata → repository root → its parent.
		root := filepath.Join(filepath.Dir(file), "..", "..")
		candidates = append(candidates, filepath.Join(root, "..", "shared", "data"))
	}
	candidates = append(candidates, "/work/shared/data")
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
