package btreebench

import "strings"

type stringsBuilder = strings.Builder
