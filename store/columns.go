package store

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"gorm.io/gorm/schema"
)

var schemaCache sync.Map

// withColumns returns cur with the named columns copied from src: the row an
// update with a column list (a field mask) will leave, so that rules can be
// checked on it before it is written.
func withColumns[T any](cur, src T, columns []string) (T, error) {
	sch, err := schema.Parse(&cur, &schemaCache, schema.NamingStrategy{})
	if err != nil {
		return cur, err
	}
	ctx := context.Background()
	dst, from := reflect.ValueOf(&cur).Elem(), reflect.ValueOf(&src).Elem()
	for _, col := range columns {
		f := sch.LookUpField(col)
		if f == nil {
			return cur, fmt.Errorf("%s has no column %q", sch.Table, col)
		}
		v, _ := f.ValueOf(ctx, from)
		if err := f.Set(ctx, dst, v); err != nil {
			return cur, err
		}
	}
	return cur, nil
}
