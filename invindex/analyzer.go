package invindex

import (
	"unicode"
	"unicode/utf8"
)

// Token is one analyzed term with its position among the field's tokens.
// Positions count every word, stop words included, so a phrase with a
// stop word in the middle ("state of the art") still needs its words at
// the same distances.
type Token struct {
	Term string
	Pos  uint32
}

// Analyzer turns text into terms: split into words at every rune that is
// not a letter or digit (Unicode-aware), lowercase, drop stop words,
// stem. The same analyzer must be used to index and to query.
type Analyzer struct {
	// StopWords are dropped after lowercasing; nil means EnglishStopWords.
	StopWords map[string]bool
	// NoStem turns the English stemmer off.
	NoStem bool
	// MaxTokenLen drops longer words (in bytes); 0 means 64.
	MaxTokenLen int
}

// EnglishStopWords is the default stop list: the most frequent English
// function words, which carry little meaning for ranking.
var EnglishStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in",
		"into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then",
		"there", "these", "they", "this", "to", "was", "will", "with"} {
		m[w] = true
	}
	return m
}()

// Analyze returns the terms of text in order.
func (a *Analyzer) Analyze(text string) []Token {
	var out []Token
	a.each(text, func(term string, pos uint32) { out = append(out, Token{term, pos}) })
	return out
}

// Term analyzes a single query word: its term, or "" if it is a stop word
// or has no letters or digits.
func (a *Analyzer) Term(word string) string {
	toks := a.Analyze(word)
	if len(toks) != 1 {
		return ""
	}
	return toks[0].Term
}

func (a *Analyzer) each(text string, fn func(string, uint32)) {
	a.eachWord(text, func(w []byte, pos uint32) {
		t := string(w)
		if !a.NoStem {
			t = Stem(t)
		}
		fn(t, pos)
	})
}

// eachWord calls fn with every lowercased word of text that is not a stop
// word and not too long, before stemming. The word's bytes are reused
// after fn returns, so indexing can look them up in a map of words it
// has already stemmed without allocating.
func (a *Analyzer) eachWord(text string, fn func(word []byte, pos uint32)) {
	stop := a.StopWords
	if stop == nil {
		stop = EnglishStopWords
	}
	maxLen := a.MaxTokenLen
	if maxLen <= 0 {
		maxLen = 64
	}
	var arr [64]byte
	buf := arr[:0]
	pos := uint32(0)
	flush := func() {
		if len(buf) == 0 {
			return
		}
		p := pos
		pos++
		if len(buf) <= maxLen && !stop[string(buf)] {
			fn(buf, p)
		}
		buf = buf[:0]
	}
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf { // ASCII needs no rune tables
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				buf = append(buf, c)
			case 'A' <= c && c <= 'Z':
				buf = append(buf, c+'a'-'A')
			case c == '\'':
			default:
				flush()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
			continue
		}
		if r == '\u2019' { // don't -> dont, o'brien -> obrien
			continue
		}
		flush()
	}
	flush()
}
