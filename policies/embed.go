// Package policies embeds the casbin model and the role → permission rows.
package policies

import "embed"

// FS holds model.conf and every *.csv policy file.
//
//go:embed model.conf *.csv
var FS embed.FS
