package buffer

import "errors"

var (
	// ErrNoFreeFrames means every frame is pinned, so no page can be
	// brought in until someone unpins. It is returned at once, never waited on.
	ErrNoFreeFrames = errors.New("buffer: all frames are pinned")
	// ErrClosed is returned by calls on a closed pool.
	ErrClosed = errors.New("buffer: pool closed")
)
