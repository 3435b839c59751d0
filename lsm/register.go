package lsm

import (
	"github.com/aegisdb/aegis/engine"
)

func init() {
	engine.Register("lsm", func(o engine.Options) (engine.Engine, error) {
		return Open(Options{
			FS:          o.FileSystem(),
			Dir:         o.Dir,
			Compression: o.Compression,
			CacheSize:   o.CacheSize,
			DisableWAL:  o.DisableWAL,
		})
	})
}

var _ engine.Engine = (*DB)(nil)
