// Package workflows embeds the workflow definitions (call, application,
// experiment) so the binary carries them; internal/workflow loads and checks them.
package workflows

import "embed"

// FS holds every *.yaml definition of this directory.
//
//go:embed *.yaml
var FS embed.FS
