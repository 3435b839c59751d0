package engine

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// OpenFunc opens (creating if needed) one backend.
type OpenFunc func(opts Options) (Engine, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a backend available by name. Backends call it from init;
// registering a name twice is a programming error and panics.
func Register(name string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("engine: backend registered twice: " + name)
	}
	registry[name] = open
}

// Backends lists the registered backend names, sorted.
func Backends() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Open opens the backend registered under name.
func Open(name string, opts Options) (Engine, error) {
	registryMu.RLock()
	open, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("engine: unknown backend %q (known: %s): %w",
			name, strings.Join(Backends(), ", "), ErrUnknownBackend)
	}
	return open(opts)
}
