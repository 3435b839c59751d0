module github.com/aegisdb/aegis

go 1.26

require (
	github.com/DataDog/zstd v1.5.7
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/anishathalye/porcupine v1.3.1
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/cockroachdb/datadriven v1.0.3
	github.com/golang/snappy v1.0.0
	github.com/google/btree v1.1.3
	github.com/pierrec/lz4/v4 v4.1.33
)

require github.com/pmezard/go-difflib v1.0.0 // indirect
