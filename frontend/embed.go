// Package frontend embeds the built single-page application (frontend/dist,
// produced by `npm run build`, which `make build` runs first).
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the content of frontend/dist.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at compile time: it exists
	}
	return sub
}
