package wal

import "time"

const time1ms = time.Millisecond

func waitABit() { time.Sleep(time.Millisecond) }
