package config

import (
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

func TestResolvePicksAPersistentBackend(t *testing.T) {
	var c Config
	c.Resolve()
	if names := engine.Backends(); len(names) == 1 && names[0] == "memory" {
		if c.Storage.Backend != "memory" || !strings.Contains(c.BackendNote, "no persistent backend") {
			t.Fatalf("with only memory linked in: %q, %q", c.Storage.Backend, c.BackendNote)
		}
	} else if c.Storage.Backend == "memory" || !strings.Contains(c.BackendNote, "first persistent backend") {
		t.Fatalf("with %v linked in: %q, %q", names, c.Storage.Backend, c.BackendNote)
	}
	// A persistent backend registered later (as btree and lsm will be)
	// becomes the default, and the note names it.
	engine.Register("aaa-persistent-for-test", func(engine.Options) (engine.Engine, error) {
		return engine.Open("memory", engine.Options{})
	})
	c = Config{}
	c.Resolve()
	if c.Storage.Backend != "aaa-persistent-for-test" || !strings.Contains(c.BackendNote, `"aaa-persistent-for-test"`) {
		t.Fatalf("with a persistent backend: %q, %q", c.Storage.Backend, c.BackendNote)
	}
	c = Config{Storage: Storage{Backend: "memory"}}
	c.Resolve()
	if c.Storage.Backend != "memory" || c.BackendNote != "" {
		t.Fatalf("a configured backend is kept: %q, %q", c.Storage.Backend, c.BackendNote)
	}
}
