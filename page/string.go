package page

import (
	"fmt"
	"strings"
)

// maxDumpBytes bounds how much of each cell String prints.
const maxDumpBytes = 24

// String dumps the header and cells for reading and golden tests:
//
//	page 3 leaf level=0 lsn=17 cells=2 free=8100 garbage=0 right=4 aux=nil
//	  [0] off=8188 len=4 "abcd"
//	  [1] off=8180 len=8 "01234567"
//
// It calls CheckStructure first and prints the error instead of the cells
// of a damaged page, so it is safe on any bytes.
func (p Page) String() string {
	if err := CheckStructure(p); err != nil {
		return err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "page %d %s level=%d lsn=%d cells=%d free=%d garbage=%d right=%s aux=%s",
		p.ID(), p.Type(), p.Level(), p.LSN(), p.NumCells(), p.FreeSpace(), p.garbage(), p.Right(), p.Aux())
	for i := 0; i < p.NumCells(); i++ {
		off, n := p.slot(i)
		fmt.Fprintf(&b, "\n  [%d] off=%d len=%d %s", i, off, n, quote(p.Cell(i)))
	}
	return b.String()
}

// String prints Nil as "nil".
func (id ID) String() string {
	if id == Nil {
		return "nil"
	}
	return fmt.Sprintf("%d", uint32(id))
}

// quote prints a cell as a Go string if it is mostly text, else as hex,
// cut to maxDumpBytes.
func quote(cell []byte) string {
	suffix := ""
	if len(cell) > maxDumpBytes {
		cell, suffix = cell[:maxDumpBytes], "..."
	}
	printable := 0
	for _, c := range cell {
		if c >= 0x20 && c < 0x7f {
			printable++
		}
	}
	if printable*4 >= len(cell)*3 {
		return fmt.Sprintf("%q%s", cell, suffix)
	}
	return fmt.Sprintf("%x%s", cell, suffix)
}
