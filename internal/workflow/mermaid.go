package workflow

import (
	"fmt"
	"strings"
)

// Mermaid draws d as a Mermaid stateDiagram-v2, for `tremplin workflow graph`
// and the admin screen. Each place shows its French label; with counts (the
// number of objects per place) the label ends with "(n)", places absent from
// counts showing "(0)" so an empty step is visible.
func Mermaid(d *Definition, counts map[string]int) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, p := range d.Places {
		label := d.PlaceLabel(p)
		if counts != nil {
			label = fmt.Sprintf("%s (%d)", label, counts[p])
		}
		fmt.Fprintf(&b, "    state \"%s\" as %s\n", mermaidText(label), p)
	}
	if d.Initial != "" {
		fmt.Fprintf(&b, "    [*] --> %s\n", d.Initial)
	}
	for _, t := range d.Transitions {
		for _, f := range t.From {
			fmt.Fprintf(&b, "    %s --> %s : %s\n", f, t.To, mermaidText(t.Label))
		}
	}
	for _, p := range d.Terminal {
		fmt.Fprintf(&b, "    %s --> [*]\n", p)
	}
	return b.String()
}

// mermaidText keeps a label on one line and away from Mermaid's syntax:
// a double quote would end a state description, a semicolon a statement.
var mermaidText = strings.NewReplacer(`"`, "'", ";", ",", "\n", " ", "\r", " ", "#", "n°").Replace
