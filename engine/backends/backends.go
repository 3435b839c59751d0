package backends

// One line per backend: importing a backend package registers it.
import (
	_ "github.com/aegisdb/aegis/btree"
	_ "github.com/aegisdb/aegis/engine/memory"
	_ "github.com/aegisdb/aegis/lsm"
)
