module github.com/aegisdb/aegis/bench

go 1.26

replace github.com/aegisdb/aegis => ../

require (
	github.com/aegisdb/aegis v0.0.0-00010101000000-000000000000
	go.etcd.io/bbolt v1.4.3
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
