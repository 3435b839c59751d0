package memory_test

import (
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/enginetest"
	"github.com/aegisdb/aegis/engine/memory"
)

// TestConformance runs the engine conformance suite. The memory backend
// has no storage to reopen and no size limits.
//
//	go test -race ./engine/memory
//	AEGIS_SEED=123 go test -run 'TestConformance/Model' ./engine/memory
func TestConformance(t *testing.T) {
	enginetest.Run(t, enginetest.Harness{
		Open: func(testing.TB) engine.Engine { return memory.New() },
	})
}
