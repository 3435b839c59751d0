module github.com/aegisdb/aegis/bench

go 1.26

replace github.com/aegisdb/aegis => ../
