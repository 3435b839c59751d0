package invindex

// Stem reduces an English word to its stem with the Porter algorithm
// (M. F. Porter, "An algorithm for suffix stripping", Program 14(3),
// 1980; steps 1a to 5b below follow the paper's numbering). Words of one
// or two letters and words with non-ASCII letters are returned unchanged.
func Stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	s := &stemmer{b: []byte(w)}
	s.step1a()
	s.step1b()
	s.step1c()
	s.step2()
	s.step3()
	s.step4()
	s.step5()
	return string(s.b)
}

type stemmer struct{ b []byte }

// cons reports whether b[i] is a consonant in Porter's sense: not a vowel,
// and 'y' only when it follows a vowel (or starts the word).
func (s *stemmer) cons(i int) bool {
	switch s.b[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !s.cons(i-1)
	}
	return true
}

// measure returns m, the number of VC sequences in b[:n].
func (s *stemmer) measure(n int) int {
	m, i := 0, 0
	for i < n && s.cons(i) {
		i++
	}
	for i < n {
		for i < n && !s.cons(i) {
			i++
		}
		if i >= n {
			break
		}
		for i < n && s.cons(i) {
			i++
		}
		m++
	}
	return m
}

// hasVowel reports whether b[:n] contains a vowel.
func (s *stemmer) hasVowel(n int) bool {
	for i := range n {
		if !s.cons(i) {
			return true
		}
	}
	return false
}

// doubleCons reports whether b[:n] ends in a double consonant.
func (s *stemmer) doubleCons(n int) bool {
	return n >= 2 && s.b[n-1] == s.b[n-2] && s.cons(n-1)
}

// cvc reports whether b[:n] ends consonant-vowel-consonant with the last
// not w, x or y (the *o condition).
func (s *stemmer) cvc(n int) bool {
	if n < 3 || !s.cons(n-1) || s.cons(n-2) || !s.cons(n-3) {
		return false
	}
	c := s.b[n-1]
	return c != 'w' && c != 'x' && c != 'y'
}

func (s *stemmer) ends(suf string) bool {
	return len(s.b) >= len(suf) && string(s.b[len(s.b)-len(suf):]) == suf // no allocation
}

// stem returns the length of the word without suffix suf.
func (s *stemmer) stem(suf string) int { return len(s.b) - len(suf) }

func (s *stemmer) replace(suf, with string) { s.b = append(s.b[:s.stem(suf)], with...) }

// rule replaces suf by with when the stem's measure exceeds minM; it
// reports whether suf matched (whether or not it was replaced).
func (s *stemmer) rule(suf, with string, minM int) bool {
	if !s.ends(suf) {
		return false
	}
	if s.measure(s.stem(suf)) > minM {
		s.replace(suf, with)
	}
	return true
}

func (s *stemmer) step1a() {
	switch {
	case s.ends("sses"):
		s.replace("sses", "ss")
	case s.ends("ies"):
		s.replace("ies", "i")
	case s.ends("ss"):
	case s.ends("s"):
		s.replace("s", "")
	}
}

func (s *stemmer) step1b() {
	if s.ends("eed") {
		if s.measure(s.stem("eed")) > 0 {
			s.replace("eed", "ee")
		}
		return
	}
	var suf string
	switch {
	case s.ends("ed") && s.hasVowel(s.stem("ed")):
		suf = "ed"
	case s.ends("ing") && s.hasVowel(s.stem("ing")):
		suf = "ing"
	default:
		return
	}
	s.replace(suf, "")
	n := len(s.b)
	switch {
	case s.ends("at"), s.ends("bl"), s.ends("iz"):
		s.b = append(s.b, 'e')
	case s.doubleCons(n) && s.b[n-1] != 'l' && s.b[n-1] != 's' && s.b[n-1] != 'z':
		s.b = s.b[:n-1]
	case s.measure(n) == 1 && s.cvc(n):
		s.b = append(s.b, 'e')
	}
}

func (s *stemmer) step1c() {
	if s.ends("y") && s.hasVowel(s.stem("y")) {
		s.b[len(s.b)-1] = 'i'
	}
}

var step2Rules = [][2]string{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
	{"abli", "able"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
	{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
	{"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
}

var step3Rules = [][2]string{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

// step4Suffixes are removed when m > 1; "ion" also needs s or t before it.
var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
	"ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
}

func (s *stemmer) step2() {
	for _, r := range step2Rules {
		if s.rule(r[0], r[1], 0) {
			return
		}
	}
}

func (s *stemmer) step3() {
	for _, r := range step3Rules {
		if s.rule(r[0], r[1], 0) {
			return
		}
	}
}

func (s *stemmer) step4() {
	// the longest matching suffix wins ("ement" before "ment" before "ent")
	best := ""
	for _, suf := range step4Suffixes {
		if s.ends(suf) && len(suf) > len(best) {
			best = suf
		}
	}
	if best == "" {
		return
	}
	n := s.stem(best)
	if best == "ion" && (n == 0 || (s.b[n-1] != 's' && s.b[n-1] != 't')) {
		return
	}
	if s.measure(n) > 1 {
		s.b = s.b[:n]
	}
}

func (s *stemmer) step5() {
	n := len(s.b)
	if s.b[n-1] == 'e' {
		m := s.measure(n - 1)
		if m > 1 || (m == 1 && !s.cvc(n-1)) {
			s.b = s.b[:n-1]
		}
	}
	n = len(s.b)
	if s.measure(n) > 1 && s.doubleCons(n) && s.b[n-1] == 'l' {
		s.b = s.b[:n-1]
	}
}
