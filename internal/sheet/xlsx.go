package sheet

import (
	"bytes"
	"time"

	"github.com/xuri/excelize/v2"
)

// Book is an XLSX workbook whose cells are written typed: text as string
// cells (never SetCellValue on a string, which a later excelize could read
// as something else), numbers as numbers, dates as dates. File is there for
// what is not a value: styles, widths, panes.
type Book struct {
	File      *excelize.File
	dateStyle int
}

// NewBook returns a workbook whose only sheet is named name.
func NewBook(name string) (*Book, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		_ = f.Close()
		return nil, err
	}
	return &Book{File: f}, nil
}

// Close releases the workbook.
func (b *Book) Close() error { return b.File.Close() }

// Set writes one cell ("B3").
func (b *Book) Set(sheetName, cell string, c Cell) error {
	f := b.File
	switch c.kind {
	case kindText:
		return f.SetCellStr(sheetName, cell, c.text)
	case kindInt:
		return f.SetCellInt(sheetName, cell, c.i)
	case kindFloat:
		return f.SetCellFloat(sheetName, cell, c.f, c.prec, 64)
	case kindCents:
		return f.SetCellFloat(sheetName, cell, float64(c.i)/100, 2, 64)
	case kindDate:
		return b.setDate(sheetName, cell, c.t)
	}
	return nil // Empty: no value
}

// SetAt writes one cell by column and row, both from 1.
func (b *Book) SetAt(sheetName string, col, row int, c Cell) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	return b.Set(sheetName, cell, c)
}

// Row writes cells from column A of row (from 1).
func (b *Book) Row(sheetName string, row int, cells ...Cell) error {
	for i, c := range cells {
		if err := b.SetAt(sheetName, i+1, row, c); err != nil {
			return err
		}
	}
	return nil
}

// setDate writes t's calendar date and time of day (in t's own location) as
// an Excel date shown dd/mm/yyyy (French order).
func (b *Book) setDate(sheetName, cell string, t time.Time) error {
	if b.dateStyle == 0 {
		layout := "dd/mm/yyyy"
		id, err := b.File.NewStyle(&excelize.Style{CustomNumFmt: &layout})
		if err != nil {
			return err
		}
		b.dateStyle = id
	}
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if err := b.File.SetCellValue(sheetName, cell, wall); err != nil {
		return err
	}
	return b.File.SetCellStyle(sheetName, cell, cell, b.dateStyle)
}

// Bytes returns the workbook as an .xlsx file.
func (b *Book) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := b.File.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
