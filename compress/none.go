package compress

// noneCodec stores blocks as they are. It exists so that "no compression"
// goes through the same path, and the same checks, as the real codecs.
type noneCodec struct{}

func (noneCodec) Name() string { return "none" }
func (noneCodec) ID() byte     { return IDNone }

func (noneCodec) Encode(dst, src []byte) []byte {
	return append(dst[:0], src...)
}

func (noneCodec) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	if maxLen = clampLimit(maxLen); len(src) > maxLen {
		return nil, tooLarge("none", uint64(len(src)), maxLen)
	}
	return append(dst[:0], src...), nil
}
