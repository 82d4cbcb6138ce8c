package sheet

import (
	"encoding/csv"
	"io"
)

// CSVOptions shape a CSV file.
type CSVOptions struct {
	// Comma separates fields (default ',').
	Comma rune
	// BOM starts the file with a UTF-8 byte order mark, which Excel needs to
	// read accents right.
	BOM bool
	// CRLF ends lines with "\r\n" (Excel on Windows) instead of "\n".
	CRLF bool
	// Format is how numbers are written.
	Format
}

// CSV writes rows of typed cells. It is the only CSV writer of the project:
// every export goes through it, so every text cell is neutralised.
type CSV struct {
	w      *csv.Writer
	out    io.Writer
	format Format
	bom    bool
	buf    []string
}

// NewCSV returns a CSV writer on w. Nothing is written until the first row.
func NewCSV(w io.Writer, o CSVOptions) *CSV {
	cw := csv.NewWriter(w)
	if o.Comma != 0 {
		cw.Comma = o.Comma
	}
	cw.UseCRLF = o.CRLF
	return &CSV{w: cw, out: w, format: o.Format, bom: o.BOM}
}

// Header writes a row of text cells.
func (c *CSV) Header(names ...string) error { return c.Row(Texts(names...)...) }

// Row writes one row.
func (c *CSV) Row(cells ...Cell) error {
	if c.bom {
		c.bom = false
		if _, err := io.WriteString(c.out, "\ufeff"); err != nil {
			return err
		}
	}
	c.buf = c.buf[:0]
	for _, cell := range cells {
		c.buf = append(c.buf, cell.csvText(c.format))
	}
	return c.w.Write(c.buf)
}

// Flush writes what is buffered and reports any error of the whole file.
func (c *CSV) Flush() error {
	if c.bom { // an empty file still gets its BOM
		c.bom = false
		if _, err := io.WriteString(c.out, "\ufeff"); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}
