package document

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"unicode/utf8"
)

// Schema is a JSON-Schema-like validator for a collection's documents.
// The supported keywords are type (string, number, integer, boolean,
// object, array, null, or a list of them), required, properties,
// additionalProperties (boolean), items, enum, minimum, maximum,
// minLength, maxLength and pattern. Any other keyword is rejected when
// the schema is compiled, so a typo cannot silently validate nothing.
type Schema struct {
	types      []string
	required   []string
	props      map[string]*Schema
	noExtra    bool
	items      *Schema
	enum       []any
	min, max   *float64
	minL, maxL *int
	pattern    *regexp.Regexp
}

var schemaTypes = []string{"string", "number", "integer", "boolean", "object", "array", "null"}

// CompileSchema checks a schema decoded from JSON.
func CompileSchema(m map[string]any) (*Schema, error) { return compileSchema(m, "") }

func schemaErr(at, format string, args ...any) error {
	if at == "" {
		at = "(root)"
	}
	return fmt.Errorf("document: schema at %s: %s: %w", at, fmt.Sprintf(format, args...), ErrBadSchema)
}

func compileSchema(m map[string]any, at string) (*Schema, error) {
	s := &Schema{}
	for _, k := range sortedKeys(m) {
		v := m[k]
		switch k {
		case "type":
			switch t := v.(type) {
			case string:
				s.types = []string{t}
			case []any:
				for _, e := range t {
					str, ok := e.(string)
					if !ok {
						return nil, schemaErr(at, "type list holds a non-string")
					}
					s.types = append(s.types, str)
				}
			default:
				return nil, schemaErr(at, "type must be a string or a list of strings")
			}
			for _, t := range s.types {
				if !slices.Contains(schemaTypes, t) {
					return nil, schemaErr(at, "unknown type %q", t)
				}
			}
		case "required":
			list, ok := v.([]any)
			if !ok {
				return nil, schemaErr(at, "required must be a list of names")
			}
			for _, e := range list {
				str, ok := e.(string)
				if !ok {
					return nil, schemaErr(at, "required holds a non-string")
				}
				s.required = append(s.required, str)
			}
		case "properties":
			pm, ok := v.(map[string]any)
			if !ok {
				return nil, schemaErr(at, "properties must be an object")
			}
			s.props = map[string]*Schema{}
			for name, sub := range pm {
				sm, ok := sub.(map[string]any)
				if !ok {
					return nil, schemaErr(join(at, name), "a property schema must be an object")
				}
				c, err := compileSchema(sm, join(at, name))
				if err != nil {
					return nil, err
				}
				s.props[name] = c
			}
		case "additionalProperties":
			b, ok := v.(bool)
			if !ok {
				return nil, schemaErr(at, "additionalProperties must be true or false")
			}
			s.noExtra = !b
		case "items":
			im, ok := v.(map[string]any)
			if !ok {
				return nil, schemaErr(at, "items must be a schema object")
			}
			c, err := compileSchema(im, join(at, "[]"))
			if err != nil {
				return nil, err
			}
			s.items = c
		case "enum":
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				return nil, schemaErr(at, "enum must be a non-empty list")
			}
			s.enum = list
		case "minimum", "maximum":
			f, ok := v.(float64)
			if !ok {
				return nil, schemaErr(at, "%s must be a number", k)
			}
			if k == "minimum" {
				s.min = &f
			} else {
				s.max = &f
			}
		case "minLength", "maxLength":
			f, ok := v.(float64)
			if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
				return nil, schemaErr(at, "%s must be a non-negative integer", k)
			}
			n := int(f)
			if k == "minLength" {
				s.minL = &n
			} else {
				s.maxL = &n
			}
		case "pattern":
			str, ok := v.(string)
			if !ok {
				return nil, schemaErr(at, "pattern must be a string")
			}
			re, err := regexp.Compile(str)
			if err != nil {
				return nil, schemaErr(at, "pattern: %v", err)
			}
			s.pattern = re
		default:
			return nil, schemaErr(at, "unsupported keyword %q", k)
		}
	}
	return s, nil
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func fits(v any, t string) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return v == nil
}

// Validate checks v against the schema and returns a *ValidationError
// naming the first value that breaks a rule.
func (s *Schema) Validate(v any) error { return s.validate(v, "") }

func (s *Schema) validate(v any, at string) error {
	fail := func(format string, args ...any) error {
		return &ValidationError{Path: at, Rule: fmt.Sprintf(format, args...)}
	}
	if len(s.types) > 0 && !slices.ContainsFunc(s.types, func(t string) bool { return fits(v, t) }) {
		return fail("is %s, want type %v", typeName(v), s.types)
	}
	if s.enum != nil && !slices.ContainsFunc(s.enum, func(e any) bool { return equal(e, v) }) {
		return fail("is not one of the enum values")
	}
	switch x := v.(type) {
	case float64:
		if s.min != nil && x < *s.min {
			return fail("%v is below the minimum %v", x, *s.min)
		}
		if s.max != nil && x > *s.max {
			return fail("%v is above the maximum %v", x, *s.max)
		}
	case string:
		n := utf8.RuneCountInString(x)
		if s.minL != nil && n < *s.minL {
			return fail("has %d characters, fewer than minLength %d", n, *s.minL)
		}
		if s.maxL != nil && n > *s.maxL {
			return fail("has %d characters, more than maxLength %d", n, *s.maxL)
		}
		if s.pattern != nil && !s.pattern.MatchString(x) {
			return fail("does not match pattern %s", s.pattern)
		}
	case []any:
		if s.items != nil {
			for i, e := range x {
				if err := s.items.validate(e, join(at, fmt.Sprint(i))); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		for _, r := range s.required {
			if _, ok := x[r]; !ok {
				return &ValidationError{Path: join(at, r), Rule: "is required"}
			}
		}
		for _, k := range sortedKeys(x) {
			sub, ok := s.props[k]
			if !ok {
				if s.noExtra {
					return &ValidationError{Path: join(at, k), Rule: "is not allowed (additionalProperties is false)"}
				}
				continue
			}
			if err := sub.validate(x[k], join(at, k)); err != nil {
				return err
			}
		}
	}
	return nil
}
