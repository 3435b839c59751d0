package invindex

// Merges of result lists sorted by document number.

// union keeps documents in either list; scores of common ones add.
func union(a, b []scored) []scored {
	return merge(a, b, true, func(x, y float64) float64 { return x + y })
}

// unionMax keeps documents in either list with the larger score.
func unionMax(a, b []scored) []scored {
	return merge(a, b, true, func(x, y float64) float64 { return max(x, y) })
}

// addScores keeps a's documents, adding b's scores where b has them.
func addScores(a, b []scored) []scored {
	return probe(a, b, func(s scored, in *scored) (scored, bool) {
		if in != nil {
			s.score += in.score
		}
		return s, true
	})
}

// probe walks a, looking each document up in b (nil when absent), and
// keeps what fn returns when fn says to keep it.
func probe(a, b []scored, fn func(s scored, in *scored) (scored, bool)) []scored {
	out := make([]scored, 0, len(a))
	j := 0
	for _, s := range a {
		for j < len(b) && b[j].doc < s.doc {
			j++
		}
		var in *scored
		if j < len(b) && b[j].doc == s.doc {
			in = &b[j]
		}
		if s, keep := fn(s, in); keep {
			out = append(out, s)
		}
	}
	return out
}

func merge(a, b []scored, keepAll bool, both func(x, y float64) float64) []scored {
	if len(a) == 0 && keepAll {
		return b
	}
	if len(b) == 0 && keepAll {
		return a
	}
	out := make([]scored, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			out = append(out, a[i])
			i++
		case a[i].doc > b[j].doc:
			out = append(out, b[j])
			j++
		default:
			out = append(out, scored{a[i].doc, both(a[i].score, b[j].score)})
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// intersect keeps documents in both lists, adding scores.
func intersect(a, b []scored) []scored {
	out := make([]scored, 0, min(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].doc < b[j].doc:
			i++
		case a[i].doc > b[j].doc:
			j++
		default:
			out = append(out, scored{a[i].doc, a[i].score + b[j].score})
			i++
			j++
		}
	}
	return out
}

// difference keeps a's documents that are not in b.
func difference(a, b []scored) []scored {
	if len(b) == 0 {
		return a
	}
	return probe(a, b, func(s scored, in *scored) (scored, bool) { return s, in == nil })
}

// editDistance returns the Levenshtein distance of a and b (in runes), or
// limit+1 as soon as it must exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
